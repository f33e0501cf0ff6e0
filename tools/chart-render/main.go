// chart-render renders a Helm chart the way `helm template` does, for machines without helm:
// Go's text/template with sprig's functions and helm's own (include, tpl, required, toYaml,
// fromYaml, toJson), values.yaml deep-merged with -f files, the merged values validated
// against values.schema.json, and .Release, .Chart, .Capabilities and .Template filled in.
// It does not do: subcharts, hooks, lookup, .Files, --set, CRDs in crds/, or post-renderers.
//
// Usage: chart-render CHART_DIR [-f values.yaml]... [--name NAME] [--namespace NS]
//
//	[--kube-version v1.20.2] [--api-versions v1,apps/v1,...] [--notes]
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"github.com/xeipuuv/gojsonschema"
	"gopkg.in/yaml.v3"
)

type apiVersions []string

// Has answers like helm's: "group/version" or "group/version/Kind".
func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v || strings.HasPrefix(v, x+"/") && strings.Count(v, "/") == strings.Count(x, "/")+1 {
			return true
		}
	}
	return false
}

type kubeVersion struct{ Version, Major, Minor, GitVersion string }

func (k kubeVersion) String() string { return k.Version }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chart-render:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: chart-render CHART_DIR [-f values.yaml]... [--name NAME] [--namespace NS] [--kube-version V] [--api-versions LIST] [--notes]")
	}
	chartDir := args[0]
	name, namespace, kube := "pod-identity-webhook", "default", "v1.31.0"
	versions := apiVersions{"v1", "apps/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "admissionregistration.k8s.io/v1"}
	var valueFiles []string
	notes := false
	for i := 1; i < len(args); i++ {
		next := func() string {
			i++
			if i >= len(args) {
				fmt.Fprintln(os.Stderr, "chart-render: missing value for", args[i-1])
				os.Exit(2)
			}
			return args[i]
		}
		switch args[i] {
		case "-f", "--values":
			valueFiles = append(valueFiles, next())
		case "--name":
			name = next()
		case "--namespace", "-n":
			namespace = next()
		case "--kube-version":
			kube = next()
		case "--api-versions":
			versions = apiVersions(strings.Split(next(), ","))
		case "--notes":
			notes = true
		default:
			return fmt.Errorf("unknown argument %q", args[i])
		}
	}

	chartMeta, err := readYaml(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	values, err := readYaml(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range valueFiles {
		extra, err := readYaml(f)
		if err != nil {
			return err
		}
		values = merge(values, extra)
	}
	if err := validate(filepath.Join(chartDir, "values.schema.json"), values); err != nil {
		return err
	}

	chart := map[string]interface{}{}
	for k, v := range chartMeta {
		chart[strings.ToUpper(k[:1])+k[1:]] = v
	}
	major, minor := "1", "0"
	if parts := strings.Split(strings.TrimPrefix(kube, "v"), "."); len(parts) >= 2 {
		major, minor = parts[0], parts[1]
	}
	root := map[string]interface{}{
		"Values":  values,
		"Chart":   chart,
		"Release": map[string]interface{}{"Name": name, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Capabilities": map[string]interface{}{
			"KubeVersion": kubeVersion{Version: kube, Major: major, Minor: minor, GitVersion: kube},
			"APIVersions": versions,
		},
	}

	chartName := fmt.Sprint(chartMeta["name"])
	files, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	t := template.New("chart").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	includeDepth := 0
	funcs["include"] = func(name string, data interface{}) (string, error) {
		includeDepth++
		defer func() { includeDepth-- }()
		if includeDepth > 100 {
			return "", fmt.Errorf("include %q: recursion too deep", name)
		}
		var out bytes.Buffer
		err := t.ExecuteTemplate(&out, name, data)
		return out.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		inner, err := t.Clone()
		if err != nil {
			return "", err
		}
		inner, err = inner.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var out bytes.Buffer
		err = inner.Execute(&out, data)
		return strings.ReplaceAll(out.String(), "<no value>", ""), err
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, fmt.Errorf(message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, fmt.Errorf(message)
		}
		return value, nil
	}
	funcs["toYaml"] = func(v interface{}) string {
		var out bytes.Buffer
		enc := yaml.NewEncoder(&out)
		enc.SetIndent(2)
		if err := enc.Encode(v); err != nil {
			return ""
		}
		return strings.TrimSuffix(out.String(), "\n")
	}
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["toJson"] = func(v interface{}) string {
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	t.Funcs(funcs)

	var rendered []string
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if _, err := t.New(filepath.Join(chartName, "templates", filepath.Base(file))).Parse(string(text)); err != nil {
			return err
		}
		rendered = append(rendered, filepath.Base(file))
	}
	var out strings.Builder
	for _, base := range rendered {
		if strings.HasPrefix(base, "_") || (base == "NOTES.txt") != notes {
			continue
		}
		templateName := filepath.Join(chartName, "templates", base)
		data := root
		data["Template"] = map[string]interface{}{"Name": templateName, "BasePath": filepath.Join(chartName, "templates")}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, templateName, data); err != nil {
			return err
		}
		body := strings.ReplaceAll(buf.String(), "<no value>", "")
		if notes {
			out.WriteString(body)
			continue
		}
		for _, doc := range splitDocuments(body) {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", templateName, doc)
		}
	}
	fmt.Print(out.String())
	return nil
}

// splitDocuments drops empty documents, as helm does.
func splitDocuments(body string) []string {
	var docs []string
	for _, doc := range strings.Split("\n"+body, "\n---") {
		trimmed := strings.TrimSpace(doc)
		if trimmed == "" || isOnlyComments(trimmed) {
			continue
		}
		docs = append(docs, strings.TrimRight(strings.TrimLeft(doc, "\n"), " \n"))
	}
	return docs
}

func isOnlyComments(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

func readYaml(path string) (map[string]interface{}, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(text, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, nil
}

// merge overlays b on a like helm: maps merge key by key, a null deletes, anything else replaces.
func merge(a, b map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v == nil {
			delete(out, k)
			continue
		}
		bm, bIsMap := v.(map[string]interface{})
		am, aIsMap := out[k].(map[string]interface{})
		if bIsMap && aIsMap {
			out[k] = merge(am, bm)
		} else {
			out[k] = v
		}
	}
	return out
}

func validate(schemaPath string, values map[string]interface{}) error {
	if _, err := os.Stat(schemaPath); os.IsNotExist(err) {
		return nil
	}
	document, err := json.Marshal(values)
	if err != nil {
		return err
	}
	result, err := gojsonschema.Validate(gojsonschema.NewReferenceLoader("file://"+mustAbs(schemaPath)), gojsonschema.NewBytesLoader(document))
	if err != nil {
		return fmt.Errorf("values.schema.json: %v", err)
	}
	if result.Valid() {
		return nil
	}
	var problems []string
	for _, e := range result.Errors() {
		problems = append(problems, "- "+e.String())
	}
	return fmt.Errorf("values don't meet the specifications of the schema(s):\n%s", strings.Join(problems, "\n"))
}

func mustAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	return abs
}
