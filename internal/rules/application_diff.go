package rules

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/model"
)

// FieldChange is one difference between two versions of a form, for reviewers comparing a
// resubmission with what they returned (R-APP-05, R-FLOW-03).
type FieldChange struct {
	Path  string `json:"path"`  // field path as in findings: "papers.<id>.title", "basic.ethnicity"; "papers.<id>" for a whole entry; "papers" for the order
	Label string `json:"label"` // Chinese: "论文《…》·论文题目", "新增论文《…》", "论文排序"
	Old   string `json:"old"`   // display value; "" for none
	New   string `json:"new"`
}

// DiffForms lists the field-level differences from a to b in form order. It walks the form's
// structure (the json and label tags of model.Form), so a field added to the form is diffed
// without changing this code. List entries are matched by ID: an entry in both is compared
// field by field; one only in b is reported once as added, one only in a once as removed,
// each with a description of all its filled fields; and when the entries both versions share
// are in another order, one change reports the order (papers, monographs, projects and awards
// are ordered by quality, so their order is part of the claim). Values are shown as the
// applicant sees them: enum labels, 是/否, dates as written; zero numbers as empty.
func DiffForms(a, b model.Form) []FieldChange {
	var d differ
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		name, label := jsonName(sf), sf.Tag.Get("label")
		if isNested(sf.Type) {
			d.section(name, label, va.Field(i), vb.Field(i))
		} else {
			d.leaf(name, label, sf, va.Field(i), vb.Field(i))
		}
	}
	return d.out
}

type differ struct{ out []FieldChange }

// section diffs a module (or the basics): its single fields are "<section>.<field>", a nested
// struct such as the qualification starts its own path, lists are "<list>.<id>.<field>".
func (d *differ) section(prefix, label string, a, b reflect.Value) {
	t := a.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		name, fl := jsonName(sf), sf.Tag.Get("label")
		switch {
		case sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct:
			d.list(name, fl, a.Field(i), b.Field(i))
		case isNested(sf.Type):
			d.fields(name, fl, a.Field(i), b.Field(i))
		default:
			d.leaf(prefix+"."+name, label+"·"+fl, sf, a.Field(i), b.Field(i))
		}
	}
}

// fields diffs the fields of an entry or nested struct under prefix.
func (d *differ) fields(prefix, label string, a, b reflect.Value) {
	t := a.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Name == "ID" {
			continue
		}
		name, fl := jsonName(sf), sf.Tag.Get("label")
		switch {
		case sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct:
			d.list(prefix+"."+name, label+"·"+fl, a.Field(i), b.Field(i))
		case isNested(sf.Type):
			d.fields(prefix+"."+name, label+"·"+fl, a.Field(i), b.Field(i))
		default:
			d.leaf(prefix+"."+name, label+"·"+fl, sf, a.Field(i), b.Field(i))
		}
	}
}

func (d *differ) leaf(path, label string, sf reflect.StructField, a, b reflect.Value) {
	oa, ob := display(sf, a), display(sf, b)
	if oa != ob {
		d.out = append(d.out, FieldChange{Path: path, Label: label, Old: oa, New: ob})
	}
}

// list matches the entries of a and b by ID.
func (d *differ) list(name, label string, a, b reflect.Value) {
	idx := func(v reflect.Value) (map[string]int, []string) {
		m := map[string]int{}
		var ids []string
		for i := range v.Len() {
			id := v.Index(i).FieldByName("ID").String()
			if _, dup := m[id]; dup {
				continue // ValidateDraft refuses duplicates; compare the first
			}
			m[id] = i
			ids = append(ids, id)
		}
		return m, ids
	}
	ma, idsA := idx(a)
	mb, idsB := idx(b)
	entryLabel := func(v reflect.Value) string {
		if c := caption(v); c != "" {
			if strings.HasPrefix(c, "《") {
				return label + c
			}
			return label + "（" + c + "）"
		}
		return label
	}
	for _, id := range idsB {
		eb := b.Index(mb[id])
		path := name + "." + id
		if i, ok := ma[id]; ok {
			d.fields(path, entryLabel(eb), a.Index(i), eb)
			continue
		}
		d.out = append(d.out, FieldChange{Path: path, Label: "新增" + entryLabel(eb), New: describe(eb)})
	}
	for _, id := range idsA {
		if _, ok := mb[id]; ok {
			continue
		}
		ea := a.Index(ma[id])
		d.out = append(d.out, FieldChange{Path: name + "." + id, Label: "删除" + entryLabel(ea), Old: describe(ea)})
	}
	var commonA, commonB []string
	for _, id := range idsA {
		if _, ok := mb[id]; ok {
			commonA = append(commonA, id)
		}
	}
	for _, id := range idsB {
		if _, ok := ma[id]; ok {
			commonB = append(commonB, id)
		}
	}
	if !slices.Equal(commonA, commonB) {
		order := func(v reflect.Value, m map[string]int, ids []string) string {
			var s []string
			for n, id := range ids {
				c := caption(v.Index(m[id]))
				if c == "" {
					c = id
				}
				s = append(s, fmt.Sprintf("%d. %s", n+1, c))
			}
			return strings.Join(s, "；")
		}
		d.out = append(d.out, FieldChange{Path: name, Label: label + "排序", Old: order(a, ma, commonA), New: order(b, mb, commonB)})
	}
}

// caption is the entry's Caption(), if it has one.
func caption(v reflect.Value) string {
	if c, ok := v.Interface().(interface{ Caption() string }); ok {
		return c.Caption()
	}
	return ""
}

// describe lists an entry's filled fields: "论文题目：…；刊物名称：…".
func describe(v reflect.Value) string {
	var parts []string
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if sf.Name == "ID" {
				continue
			}
			if isNested(sf.Type) {
				walk(prefix+sf.Tag.Get("label")+"·", v.Field(i))
				continue
			}
			if s := display(sf, v.Field(i)); s != "" {
				parts = append(parts, prefix+sf.Tag.Get("label")+"："+s)
			}
		}
	}
	walk("", v)
	return strings.Join(parts, "；")
}

// display is a field's value as the applicant sees it.
func display(sf reflect.StructField, v reflect.Value) string {
	if sf.Tag.Get("enum") == "employment" && v.Kind() == reflect.String {
		if v.String() == "" {
			return ""
		}
		if l := Employment(v.String()).Label(); l != "" {
			return l
		}
		return v.String()
	}
	switch x := v.Interface().(type) {
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.In(Shanghai()).Format("2006-01-02 15:04:05")
	case model.Date:
		return string(x)
	case *float64:
		if x == nil {
			return ""
		}
		return appFmtNum(*x)
	case bool:
		if x {
			return "是"
		}
		return "否"
	case interface{ Label() string }:
		if v.Kind() == reflect.String && v.String() == "" {
			return ""
		}
		return x.Label()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int64, reflect.Int32:
		if v.Int() == 0 {
			return ""
		}
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float64:
		return appFmtNum(v.Float())
	}
	return fmt.Sprint(v.Interface())
}

// isNested reports whether t is a struct walked field by field (time.Time is a value).
func isNested(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]()
}

func jsonName(sf reflect.StructField) string {
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	if name == "" {
		return sf.Name
	}
	return name
}
