package main

// The deployment files as deploy_test.go reads them. Each struct has a field
// for every key the file uses, and the files are decoded with KnownFields, so
// a misspelt key (`secrue: always`, `schedul:`) fails the checks instead of
// being ignored by them and then by gcloud. A key added to one of the files
// needs a field here.

import (
	"io"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// appYAML is app.yaml.
type appYAML struct {
	Runtime          string            `yaml:"runtime"`
	AutomaticScaling *automaticScaling `yaml:"automatic_scaling"`
	InboundServices  []string          `yaml:"inbound_services"`
	Handlers         []appYAMLHandler  `yaml:"handlers"`
	EnvVariables     map[string]string `yaml:"env_variables"` // commented out in app.yaml; docs/deploy.md
}

// automaticScaling is app.yaml's automatic_scaling. MaxInstances is nil
// when the key is missing: App Engine's default then applies (20, for
// projects created since March 2025).
type automaticScaling struct {
	MaxInstances *int `yaml:"max_instances"`
}

// appYAMLHandler is one entry of app.yaml's handlers.
type appYAMLHandler struct {
	URL    string `yaml:"url"`
	Script string `yaml:"script"`
	Secure string `yaml:"secure"`
}

// cronYAML is cron.yaml.
type cronYAML struct {
	Cron []cronJob `yaml:"cron"`
}

// cronJob is one entry of cron.yaml.
type cronJob struct {
	Description string `yaml:"description"`
	URL         string `yaml:"url"`
	Schedule    string `yaml:"schedule"`
}

// indexYAML is index.yaml. Indexes is empty, not nil, when the file says
// `indexes: []`.
type indexYAML struct {
	Indexes []datastoreIndex `yaml:"indexes"`
}

// datastoreIndex is one composite index of index.yaml.
type datastoreIndex struct {
	Kind       string          `yaml:"kind"`
	Ancestor   bool            `yaml:"ancestor"` // index.yaml writes yes or no
	Properties []indexProperty `yaml:"properties"`
}

// indexProperty is one property of a composite index.
type indexProperty struct {
	Name      string `yaml:"name"`
	Direction string `yaml:"direction"` // asc (the default) or desc
}

// decodeYAML decodes the first YAML document of r into a T, refusing keys
// that T has no field for.
func decodeYAML[T any](r io.Reader) (T, error) {
	var v T
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	err := dec.Decode(&v)
	return v, err
}

// readYAMLFile decodes the deployment file at path into a T.
func readYAMLFile[T any](tb testing.TB, path string) T {
	tb.Helper()
	v, err := decodeYAML[T](strings.NewReader(readFile(tb, path)))
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return v
}

func TestDecodeYAML_rejectsUnknownKey(t *testing.T) {
	src := "runtime: go126\nhandlers:\n- url: /.*\n  secrue: always\n"
	_, err := decodeYAML[appYAML](strings.NewReader(src))
	if err == nil || !strings.Contains(err.Error(), "secrue") {
		t.Errorf("decode app.yaml with a misspelt key: got error %v, want one naming secrue", err)
	}
}
