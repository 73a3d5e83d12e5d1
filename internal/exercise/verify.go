package exercise

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SolutionsDir holds the reference solutions, one patch per way of solving
// a checked exercise: N.patch, and N-way.patch for another way.
const SolutionsDir = "exercises/solutions"

// Solution is one reference solution.
type Solution struct {
	N    int
	Name string // the file's name, "4-map.patch"
	Path string
}

var solutionName = regexp.MustCompile(`^(\d+)(-[a-z0-9-]+)?\.patch$`)

// Solutions returns the reference solutions of the tree root, in order,
// and checks that they fit the table: each names a checked exercise, and
// each checked exercise has one per way.
func Solutions(root string) ([]Solution, error) {
	paths, err := filepath.Glob(filepath.Join(root, SolutionsDir, "*.patch"))
	if err != nil {
		return nil, err
	}
	var sols []Solution
	var errs []error
	per := map[int]int{}
	for _, p := range paths {
		name := filepath.Base(p)
		m := solutionName.FindStringSubmatch(name)
		if m == nil {
			errs = append(errs, fmt.Errorf("%s/%s: name a solution N.patch or N-way.patch", SolutionsDir, name))
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if ex, err := Lookup(n); err != nil || ex.Kind != Checked {
			errs = append(errs, fmt.Errorf("%s/%s: exercise %d has no check to prove it", SolutionsDir, name, n))
			continue
		}
		per[n]++
		sols = append(sols, Solution{N: n, Name: name, Path: p})
	}
	for _, ex := range Checks() {
		if want := max(ex.Ways, 1); per[ex.N] < want {
			errs = append(errs, fmt.Errorf("exercise %d has %d reference solutions in %s, want %d (one per way the lesson names)", ex.N, per[ex.N], SolutionsDir, want))
		}
	}
	sort.Slice(sols, func(i, j int) bool {
		if sols[i].N != sols[j].N {
			return sols[i].N < sols[j].N
		}
		return sols[i].Name < sols[j].Name
	})
	return sols, errors.Join(errs...)
}

// Verify proves every check both ways, as CI runs it. On the working tree
// root as it is, each check must fail at one of its steps (a ✗; not a tree
// that does not build). On a copy of the tree with a reference solution
// applied (git apply), its exercise's check must pass every step. So a
// check that proves nothing fails here, and so does a change elsewhere
// that breaks a solution.
//
// One emulator serves every run, and the trees are built two at a time
// while it starts; with -trimpath the packages a solution does not touch
// come from the build cache.
func Verify(ctx context.Context, root string, out io.Writer) error {
	started := time.Now()
	sols, err := Solutions(root)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "exercises-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var (
		ds     *Datastore
		dsErr  error
		dsUp   = make(chan struct{})
		dsTook time.Duration
	)
	go func() { ds, dsErr = StartDatastore(); dsTook = time.Since(started); close(dsUp) }()
	defer func() {
		<-dsUp
		if ds != nil {
			ds.Close()
		}
	}()

	// The trees: the working tree as it is, then a copy per solution.
	trees := make([]tree, len(sols)+1)
	trees[0] = tree{name: "the tree as it is", dir: root}
	for i, s := range sols {
		trees[i+1] = tree{name: s.Name, dir: filepath.Join(tmp, strings.TrimSuffix(s.Name, ".patch")), sol: &sols[i]}
	}
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i := range trees {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			trees[i].bin, trees[i].err = trees[i].prepare(ctx, root, filepath.Join(tmp, "bin", strconv.Itoa(i)))
		})
	}
	wg.Wait()
	built := time.Since(started)
	<-dsUp
	if dsErr != nil {
		return dsErr
	}
	fmt.Fprintf(out, "Built %d trees in %.1fs; the emulator was up after %.1fs.\n", len(trees), built.Seconds(), dsTook.Seconds())

	var fails []error
	fmt.Fprintln(out, "Without a solution, each check fails at a step:")
	if err := trees[0].err; err != nil {
		return fmt.Errorf("the tree as it is: %w", err)
	}
	fails = append(fails, eachCheck(ctx, trees[0], ds, func(ex Exercise, res Result) error {
		m := res.FirstMiss()
		if m == nil {
			return fmt.Errorf("exercise %d: its check passes on the tree as it is, so it proves nothing", ex.N)
		}
		fmt.Fprintf(out, "  %2d  %s %s\n", ex.N, markFail, m.Sentence)
		return nil
	}, Checks()...)...)

	fmt.Fprintln(out, "With each reference solution applied, its check passes:")
	for _, t := range trees[1:] {
		if t.err != nil {
			fmt.Fprintf(out, "  %2d  %s %s: %v\n", t.sol.N, markFail, t.name, t.err)
			fails = append(fails, fmt.Errorf("%s: %w", t.name, t.err))
			continue
		}
		ex, _ := Lookup(t.sol.N)
		fails = append(fails, eachCheck(ctx, t, ds, func(ex Exercise, res Result) error {
			if !res.Passed() {
				var b bytes.Buffer
				for _, sr := range res.Steps {
					printStep(&b, sr)
				}
				fmt.Fprintf(out, "  %2d  %s %s: the check fails:\n%s", ex.N, markFail, t.name, b.String())
				return fmt.Errorf("%s: exercise %d's check fails: %s", t.name, ex.N, res.FirstMiss().Sentence)
			}
			fmt.Fprintf(out, "  %2d  %s %s: all %d steps pass\n", ex.N, markPass, t.name, len(res.Steps))
			return nil
		}, ex)...)
	}
	fmt.Fprintf(out, "exercises-verify: %d checks, %d solutions, in %.1fs.\n", len(Checks()), len(sols), time.Since(started).Seconds())
	// The closing line CI reads: each check on the tree, and each solution.
	failed := 0
	for _, err := range fails {
		if err != nil {
			failed++
		}
	}
	fmt.Fprintf(out, "exercises: %d passed, %d failed\n", len(Checks())+len(sols)-failed, failed)
	return errors.Join(fails...)
}

// tree is a tree to check: the working tree, or a copy with a solution.
type tree struct {
	name string
	dir  string
	sol  *Solution // nil for the working tree as it is
	bin  string
	err  error
}

// prepare copies the working tree for a solution and applies it, then
// builds the app into binDir.
func (t tree) prepare(ctx context.Context, root, binDir string) (string, error) {
	if t.sol != nil {
		if err := copyTree(ctx, root, t.dir); err != nil {
			return "", err
		}
		if err := applyPatch(ctx, t.dir, t.sol.Path); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", err
	}
	return Build(ctx, t.dir, binDir)
}

// eachCheck starts t's app and checks each exercise against it, handing
// each result to judge.
func eachCheck(ctx context.Context, t tree, ds *Datastore, judge func(Exercise, Result) error, exs ...Exercise) []error {
	app, err := StartApp(ctx, t.bin, ds)
	if err != nil {
		return []error{fmt.Errorf("%s: %w", t.name, err)}
	}
	defer app.Stop()
	var errs []error
	for _, ex := range exs {
		if err := judge(ex, Check(ctx, ex, app, t.dir, io.Discard)); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// copyTree copies the files git knows in root (tracked, and untracked but
// not ignored: what a clean checkout plus the work in progress holds) to
// dst.
func copyTree(ctx context.Context, root, dst string) error {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, rel)
		fi, err := os.Lstat(src)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			link, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(link, to); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(src)
			if err != nil {
				return err
			}
			if err := os.WriteFile(to, b, fi.Mode().Perm()); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyPatch applies patch to the copy of the tree at dir, which is no git
// repository: git apply then works as patch(1) does. The ceiling keeps
// git from finding a repository above dir.
func applyPatch(ctx context.Context, dir, patch string) error {
	abs, err := filepath.Abs(patch)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "git", "apply", abs)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("it no longer applies to the tree (git apply: %s): bring the solution up to date with the change that broke it, then write the patch again with git diff",
			oneLine(string(out)))
	}
	return nil
}
