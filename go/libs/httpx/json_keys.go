package httpx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// checkKeys walks the JSON document data alongside the Go type it is about
// to be decoded into and refuses what encoding/json would accept silently:
// a key given twice in one object (the last one wins there, the first one in
// some other readers) and a key that names a struct field only when compared
// without case ("PROJECT" for "project"), which encoding/json matches while
// a JavaScript reader of the same document does not. It returns nil when
// neither occurs, and also when data is not valid JSON: the decoder then
// reports that with its byte offset.
func checkKeys(data []byte, t reflect.Type) *Error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	e, _ := (&keyWalker{dec: dec}).value(t)
	return e
}

// maxKeyDepth stops the walk on absurdly nested documents (as deep as
// encoding/json itself allows), which the decoder then refuses.
const maxKeyDepth = 10000

type keyWalker struct {
	dec   *json.Decoder
	depth int
	// path holds the segments of the key being read ("inner", ".k",
	// "[2]"), joined only for an error: building the path string at
	// every level would make a deeply nested body cost its depth squared.
	path []string
}

// keyPath is the path of the key being read, as an error names it.
func (w *keyWalker) keyPath() string { return strings.Join(w.path, "") }

// value reads one JSON value that is to be decoded into t (nil: untyped,
// only duplicates are checked). ok is false when the document is broken
// or too deep; the walk then stops without an error of its own.
func (w *keyWalker) value(t reflect.Type) (e *Error, ok bool) {
	tok, err := w.dec.Token()
	if err != nil {
		return nil, false
	}
	delim, isDelim := tok.(json.Delim)
	if !isDelim {
		return nil, true // a scalar
	}
	if w.depth++; w.depth > maxKeyDepth {
		return nil, false
	}
	defer func() { w.depth-- }()
	t = decodedAs(t)
	switch delim {
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			w.path = append(w.path, "["+strconv.Itoa(i)+"]")
			e, ok := w.value(elem)
			w.path = w.path[:len(w.path)-1]
			if e != nil || !ok {
				return e, ok
			}
		}
	case '{':
		var fields *structFields
		var elem reflect.Type
		switch {
		case t != nil && t.Kind() == reflect.Struct:
			fields = fieldsOf(t)
		case t != nil && t.Kind() == reflect.Map:
			elem = t.Elem()
		}
		seen := map[string]bool{}
		for w.dec.More() {
			tok, err := w.dec.Token()
			if err != nil {
				return nil, false
			}
			key, _ := tok.(string)
			seg := key
			if len(w.path) > 0 {
				seg = "." + key
			}
			w.path = append(w.path, seg)
			if seen[key] {
				return keyError(w.keyPath(), fmt.Sprintf("The request body has the key %s more than once.", Quote(w.keyPath())),
					"appears more than once"), true
			}
			seen[key] = true
			valueType := elem
			if fields != nil {
				if f, exact := fields.exact[key]; exact {
					valueType = f
				} else if name, folded := fields.folded[foldName(key)]; folded {
					return keyError(w.keyPath(), fmt.Sprintf("The request body has the key %s, which matches the field %s only without case; keys are case-sensitive.",
						Quote(w.keyPath()), Quote(name)), "must be spelled "+Quote(name)), true
				}
			}
			e, ok := w.value(valueType)
			w.path = w.path[:len(w.path)-1]
			if e != nil || !ok {
				return e, ok
			}
		}
	}
	_, err = w.dec.Token() // the closing ']' or '}'
	return nil, err == nil
}

// keyError is the 400 for a refused key, naming it in fields too.
func keyError(path, message, problem string) *Error {
	return &Error{
		Status:  http.StatusBadRequest,
		Code:    CodeInvalidJSON,
		Message: message,
		Fields:  map[string]string{Echo(path): problem},
	}
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodedAs is the type whose keys matter for a value decoded into t:
// pointers are followed, and a type that decodes itself (time.Time, for
// one) or an interface is untyped (nil).
func decodedAs(t reflect.Type) reflect.Type {
	for t != nil {
		if t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
			t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
			return nil
		}
		switch t.Kind() {
		case reflect.Pointer:
			t = t.Elem()
		case reflect.Interface:
			return nil
		default:
			return t
		}
	}
	return nil
}

// structFields are the JSON names of a struct's fields.
type structFields struct {
	// exact maps each name to its field's type.
	exact map[string]reflect.Type
	// folded maps foldName(name) to the name.
	folded map[string]string
}

var fieldCache sync.Map // reflect.Type -> *structFields

// fieldsOf lists the JSON names of struct type t as encoding/json sees
// them: exported fields, named by their json tag or Go name, "-" left out,
// the fields of untagged embedded structs promoted.
func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{exact: map[string]reflect.Type{}, folded: map[string]string{}}
	var collect func(t reflect.Type, depth int)
	collect = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct && depth < 8 {
					collect(ft, depth+1)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if _, dup := f.exact[name]; !dup {
				f.exact[name] = sf.Type
				f.folded[foldName(name)] = name
			}
		}
	}
	collect(t, 0)
	actual, _ := fieldCache.LoadOrStore(t, f)
	return actual.(*structFields)
}

// foldName folds a name the way encoding/json does when it matches keys
// to fields without case, so that every key it would match is caught.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			continue
		}
		b.WriteRune(unicode.ToUpper(unicode.ToLower(r)))
	}
	return b.String()
}
