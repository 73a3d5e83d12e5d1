package exercise

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// webDir is the package of the handlers, whose code some steps read.
const webDir = "internal/web"

// webCode is package web's code, parsed: its files (tests left out) and
// its package-level string constants.
type webCode struct {
	fset   *token.FileSet
	files  []*ast.File
	consts map[string]string
}

func parseWeb(root string) (*webCode, error) {
	dir := filepath.Join(root, webDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", webDir, err)
	}
	c := &webCode{fset: token.NewFileSet(), consts: map[string]string{}}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(c.fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		c.files = append(c.files, f)
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							c.consts[id.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	return c, nil
}

// isKey reports whether e is the string key, as a literal or a constant.
func (c *webCode) isKey(e ast.Expr, key string) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(e.Value)
		return err == nil && s == key
	case *ast.Ident:
		v, ok := c.consts[e.Name]
		return ok && v == key
	}
	return false
}

// valuesIndex reports whether e is X.Values[key].
func (c *webCode) valuesIndex(e ast.Expr, key string) bool {
	ix, ok := e.(*ast.IndexExpr)
	if !ok {
		return false
	}
	sel, ok := ix.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Values" && c.isKey(ix.Index, key)
}

// span is the source range of a function body.
type span struct{ from, to token.Pos }

func (s span) holds(p token.Pos) bool { return s.from <= p && p < s.to }

// updateBodies returns the bodies of the code that runs inside a session
// update: each function literal passed to update or Update (s.update,
// st.Update), each function passed to them by name (click), and, over
// and over, each function those call by name.
func (c *webCode) updateBodies() []span {
	var lits []span
	names := map[string]bool{}
	isUpdate := func(call *ast.CallExpr) bool {
		sel, ok := call.Fun.(*ast.SelectorExpr)
		return ok && (sel.Sel.Name == "update" || sel.Sel.Name == "Update")
	}
	for _, f := range c.files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isUpdate(call) {
				return true
			}
			for _, a := range call.Args {
				switch a := a.(type) {
				case *ast.FuncLit:
					lits = append(lits, span{a.Body.Pos(), a.Body.End()})
				case *ast.Ident:
					names[a.Name] = true
				case *ast.SelectorExpr:
					names[a.Sel.Name] = true
				}
			}
			return true
		})
	}
	// What the code inside calls runs inside too: add the callees until
	// no new one turns up.
	bodies := func() []span {
		out := append([]span(nil), lits...)
		for _, f := range c.files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && names[fd.Name.Name] {
					out = append(out, span{fd.Body.Pos(), fd.Body.End()})
				}
			}
		}
		return out
	}
	for {
		inside := bodies()
		grew := false
		for _, f := range c.files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || !within(inside, call.Pos()) {
					return true
				}
				var name string
				switch fn := call.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if name != "" && !names[name] {
					names[name], grew = true, true
				}
				return true
			})
		}
		if !grew {
			return inside
		}
	}
}

func within(spans []span, p token.Pos) bool {
	for _, s := range spans {
		if s.holds(p) {
			return true
		}
	}
	return false
}

// writesInsideUpdate wants every write of sess.Values[key] in package web
// to be inside a session update, and at least one.
func writesInsideUpdate(root, key string) error {
	c, err := parseWeb(root)
	if err != nil {
		return missf("could not read the code in %s: %v", webDir, err)
	}
	inside := c.updateBodies()
	var writes, outside []token.Pos
	for _, f := range c.files {
		ast.Inspect(f, func(n ast.Node) bool {
			var lhs []ast.Expr
			switch n := n.(type) {
			case *ast.AssignStmt:
				lhs = n.Lhs
			case *ast.IncDecStmt:
				lhs = []ast.Expr{n.X}
			default:
				return true
			}
			for _, e := range lhs {
				if c.valuesIndex(e, key) {
					writes = append(writes, e.Pos())
					if !within(inside, e.Pos()) {
						outside = append(outside, e.Pos())
					}
				}
			}
			return true
		})
	}
	switch {
	case len(writes) == 0:
		return missf("could not find where %s is set in %s (an assignment to sess.Values[%q], or to a constant that names it)", sessValues(key), webDir, key)
	case len(outside) > 0:
		pos := c.fset.Position(outside[0])
		file, _ := filepath.Rel(root, pos.Filename)
		return missf("%s is set outside the function passed to s.update (%s:%d): move it inside that function, where the guess is played, so that both are one atomic update (lesson §7)",
			sessValues(key), filepath.ToSlash(file), pos.Line)
	}
	return nil
}

func sessValues(key string) string { return fmt.Sprintf("sess.Values[%q]", key) }
