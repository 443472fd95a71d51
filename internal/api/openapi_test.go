package api

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// loadDoc parses openapi.json as plain JSON, and also checks that the embedded copy the
// server serves is the file on disk.
func loadDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(openapiDoc) {
		t.Fatal("embedded openapi.json differs from the file")
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func TestOpenAPIDocument(t *testing.T) {
	doc := loadDoc(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Errorf("openapi = %q, want 3.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info == nil || info["title"] != "职称申报评审信息系统 API" || info["version"] == nil || info["version"] == "" {
		t.Errorf("info must have the title and a version: %v", info)
	}
	paths, _ := doc["paths"].(map[string]any)
	if len(paths) == 0 {
		t.Fatal("no paths")
	}
	schemes, _ := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	if cookie, _ := schemes["cookieAuth"].(map[string]any); cookie["in"] != "cookie" || cookie["name"] != "zc_session" {
		t.Errorf("cookieAuth scheme = %v", cookie)
	}
	if bearer, _ := schemes["bearerAuth"].(map[string]any); bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("bearerAuth scheme = %v", bearer)
	}
	if _, ok := doc["components"].(map[string]any)["schemas"].(map[string]any)["Error"]; !ok {
		t.Error("components/schemas has no Error")
	}
}

// TestOpenAPIMatchesRoutes: every route is documented and every documented operation is a
// route, with the same path template.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadDoc(t)
	documented := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for _, m := range httpMethods {
			if _, ok := item.(map[string]any)[m]; ok {
				documented[strings.ToUpper(m)+" "+path] = true
			}
		}
	}
	routed := map[string]bool{}
	for _, rt := range New(nil).Routes() {
		key := rt.Method + " " + rt.Pattern
		if routed[key] {
			t.Errorf("route %s appears twice", key)
		}
		routed[key] = true
	}
	for _, k := range sortedKeys(routed) {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for _, k := range sortedKeys(documented) {
		if !routed[k] {
			t.Errorf("openapi.json documents %s, which is not a route", k)
		}
	}
}

var templateParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIOperations: every operation has a summary, responses, a unique operationId,
// and declares each path parameter of its template.
func TestOpenAPIOperations(t *testing.T) {
	doc := loadDoc(t)
	ids := map[string]string{}
	for path, raw := range doc["paths"].(map[string]any) {
		item := raw.(map[string]any)
		for _, m := range httpMethods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			op := raw.(map[string]any)
			where := strings.ToUpper(m) + " " + path
			if s, _ := op["summary"].(string); strings.TrimSpace(s) == "" {
				t.Errorf("%s has no summary", where)
			}
			if rs, _ := op["responses"].(map[string]any); len(rs) == 0 {
				t.Errorf("%s has no responses", where)
			}
			if id, _ := op["operationId"].(string); id == "" {
				t.Errorf("%s has no operationId", where)
			} else if other, dup := ids[id]; dup {
				t.Errorf("%s and %s share operationId %s", where, other, id)
			} else {
				ids[id] = where
			}
			declared := map[string]bool{}
			for _, list := range []any{item["parameters"], op["parameters"]} {
				ps, _ := list.([]any)
				for _, p := range ps {
					pm := resolve(t, doc, p.(map[string]any))
					if pm["in"] == "path" {
						declared[pm["name"].(string)] = true
						if pm["required"] != true {
							t.Errorf("%s: path parameter %v must be required", where, pm["name"])
						}
					}
				}
			}
			for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s does not declare path parameter %s", where, m[1])
				}
				delete(declared, m[1])
			}
			for name := range declared {
				t.Errorf("%s declares path parameter %s that its path does not have", where, name)
			}
		}
	}
}

// TestOpenAPIRefsResolve: every $ref points inside the document, at something that exists.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := loadDoc(t)
	n := 0
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"]; ok {
				n++
				s, _ := r.(string)
				if _, err := lookup(doc, s); err != "" {
					t.Errorf("%s: $ref %q: %s", at, s, err)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for _, x := range v {
				walk(x, at+"/[]")
			}
		}
	}
	walk(doc, "#")
	if n == 0 {
		t.Error("no $ref found; the document is expected to use components")
	}
}

// lookup follows a local JSON pointer ("#/components/schemas/Error").
func lookup(doc map[string]any, ref string) (any, string) {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, "not a reference inside this document"
	}
	var cur any = doc
	for _, part := range strings.Split(p, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, "path goes through a non-object"
		}
		if cur, ok = m[part]; !ok {
			return nil, "no " + part
		}
	}
	return cur, ""
}

func resolve(t *testing.T, doc map[string]any, v map[string]any) map[string]any {
	t.Helper()
	for i := 0; i < 10; i++ {
		r, ok := v["$ref"].(string)
		if !ok {
			return v
		}
		x, err := lookup(doc, r)
		if err != "" {
			t.Fatalf("$ref %q: %s", r, err)
		}
		v, _ = x.(map[string]any)
	}
	t.Fatal("$ref chain too long")
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
