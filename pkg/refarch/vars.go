package refarch

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Configuration fields carry `tf:"<variable>"` tags naming the root's input variable; zero values are left out so
// that the root's defaults apply (pointers tell "false"/0 from unset). A struct (or pointer to one) is an HCL object
// whose fields carry `tf:"<attribute>"` tags; all its attributes are written, as the examples' objects require them.

// variables turns a configuration struct into the root's variables.
func variables(cfg any) map[string]any {
	out := map[string]any{}
	v := reflect.ValueOf(cfg)
	t := v.Type()
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("tf")
		if name == "" {
			continue
		}
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Pointer:
			if !f.IsNil() {
				out[name] = value(f.Elem())
			}
		case f.Kind() == reflect.Slice || f.Kind() == reflect.Map:
			if f.Len() > 0 {
				out[name] = f.Interface()
			}
		case !f.IsZero():
			out[name] = value(f)
		}
	}
	return out
}

// value is a variable's value: structs become objects keyed by their fields' tf tags.
func value(f reflect.Value) any {
	if f.Kind() != reflect.Struct {
		return f.Interface()
	}
	obj := map[string]any{}
	for i := range f.NumField() {
		if name := f.Type().Field(i).Tag.Get("tf"); name != "" {
			obj[name] = value(f.Field(i))
		}
	}
	return obj
}

// Architectures lists the names New accepts.
func Architectures() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var registry = map[string]func() Architecture{
	"mytodolist":       func() Architecture { return &MyTodoList{} },
	"paid-content":     func() Architecture { return &PaidContent{} },
	"myblog":           func() Architecture { return &MyBlog{} },
	"ingestion":        func() Architecture { return &Ingestion{} },
	"software-updates": func() Architecture { return &SoftwareUpdates{} },
	"microservices":    func() Architecture { return &Microservices{} },
}

// New builds an architecture's configuration from variable=value strings (as a command line gives them): strings,
// whole numbers, true/false, comma-separated lists and key=value,key=value maps. Unknown architectures and
// variables are errors naming what exists.
func New(name string, vars map[string]string) (Architecture, error) {
	mk, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("%w: unknown architecture %q (have: %s)", ErrInvalid, name, strings.Join(Architectures(), ", "))
	}
	a := mk()
	v := reflect.ValueOf(a).Elem()
	t := v.Type()
	fields := map[string]int{}
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("tf"); tag != "" {
			fields[tag] = i
		}
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		i, ok := fields[k]
		if !ok {
			known := make([]string, 0, len(fields))
			for f := range fields {
				known = append(known, f)
			}
			slices.Sort(known)
			return nil, fmt.Errorf("%w: %s has no variable %q (have: %s)", ErrInvalid, name, k, strings.Join(known, ", "))
		}
		if err := setField(v.Field(i), vars[k]); err != nil {
			return nil, fmt.Errorf("%w: %s=%q: %v", ErrInvalid, k, vars[k], err)
		}
	}
	// Return the value, not the pointer: configurations are values.
	arch, _ := v.Interface().(Architecture)
	return arch, nil
}

func setField(f reflect.Value, s string) error {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(f.Type().Elem())
		if err := setField(p.Elem(), s); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		f.SetBool(b)
	case reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("want a whole number")
		}
		f.SetInt(int64(n))
	case reflect.Slice:
		var items []string
		if s != "" {
			items = strings.Split(s, ",")
		}
		f.Set(reflect.ValueOf(items))
	case reflect.Map:
		m := map[string]string{}
		for _, kv := range strings.Split(s, ",") {
			k, val, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return fmt.Errorf("want key=value,key=value")
			}
			m[k] = val
		}
		f.Set(reflect.ValueOf(m))
	case reflect.Struct:
		var attrs []string
		for i := range f.NumField() {
			if tag := f.Type().Field(i).Tag.Get("tf"); tag != "" {
				attrs = append(attrs, tag)
			}
		}
		return fmt.Errorf("an object (%s) cannot be given as a string; set it from Go", strings.Join(attrs, ", "))
	default:
		return fmt.Errorf("unsupported field type %s", f.Type())
	}
	return nil
}

// VariableNames lists the variables New accepts for an architecture (nil for an unknown one).
func VariableNames(name string) []string {
	mk, ok := registry[name]
	if !ok {
		return nil
	}
	t := reflect.TypeOf(mk()).Elem()
	var names []string
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("tf"); tag != "" {
			names = append(names, tag)
		}
	}
	sort.Strings(names)
	return names
}
