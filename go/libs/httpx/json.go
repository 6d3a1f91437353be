package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// Error codes used by this package. Services add their own (for example
// "invalid_build").
const (
	CodeBadRequest           = "bad_request"
	CodeInvalidJSON          = "invalid_json"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeBodyTooLarge         = "body_too_large"
	CodeUnauthorized         = "unauthorized"
	CodeNotFound             = "not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeInternal             = "internal_error"
	CodeUnavailable          = "unavailable"
)

// Error is an API error: an HTTP status plus the JSON error body. It
// implements error so that helpers such as DecodeJSON can return it and
// handlers can hand it straight to WriteError.
type Error struct {
	// Status is the HTTP status code; it is not part of the body.
	Status int `json:"-"`
	// Code is a stable, machine-readable snake_case identifier.
	Code string `json:"code"`
	// Message is a human sentence describing the problem.
	Message string `json:"message"`
	// Fields maps a JSON field path (e.g. "digest", "tags[1]") to what is
	// wrong with it. Omitted when empty.
	Fields map[string]string `json:"fields,omitempty"`
}

// Error implements error.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("%d %s: %s %v", e.Status, e.Code, e.Message, e.Fields)
}

// NewError returns an *Error without field details.
func NewError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// ErrorBody is the JSON envelope of every error response.
type ErrorBody struct {
	// Error is the error itself.
	Error *Error `json:"error"`
}

// WriteJSON writes v as JSON with the given status code.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // messages may contain <, > and &
	err := enc.Encode(v)     // appends a newline
	body := buf.Bytes()
	if err != nil {
		// Only reachable with types that cannot be marshalled, which is a
		// programming error; still answer in the documented shape.
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"internal_error","message":"The response could not be encoded."}}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteError writes e as {"error":{...}} with e.Status (500 when unset).
func WriteError(w http.ResponseWriter, e *Error) {
	status := e.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	WriteJSON(w, status, ErrorBody{Error: e})
}

// Errorf writes an error response with a formatted message and no fields.
func Errorf(w http.ResponseWriter, status int, code, format string, args ...any) {
	WriteError(w, &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)})
}

// DecodeJSON decodes the request body into dst, strictly:
//
//   - the Content-Type must be application/json (parameters such as
//     charset=utf-8 are allowed), otherwise 415;
//   - a body larger than the limit set by LimitBody (or http.MaxBytesReader)
//     gives 413;
//   - malformed JSON, a wrong JSON type for a field, unknown fields, an empty
//     body or data after the JSON value give 400 (code invalid_json);
//   - so does a key given twice in one object, or a key that matches a field
//     only without case ("PROJECT" for "project"): encoding/json would take
//     the last one, or match it, where another reader of the same body (a
//     JavaScript one) sees something else. fields names the key.
//
// Messages quote what the client sent only through Echo, bounded.
// The returned error, if any, is always an *Error ready for WriteError.
func DecodeJSON(r *http.Request, dst any) *Error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != "application/json" {
		return NewError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
			"The request body must be JSON, sent with Content-Type: application/json.")
	}
	// Read whole (the body limit bounds it), to look at the keys first.
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeError(err)
	}
	return decodeBytes(data, dst)
}

// decodeBytes is DecodeJSON after the body is read.
func decodeBytes(data []byte, dst any) *Error {
	if e := checkKeys(data, reflect.TypeOf(dst)); e != nil {
		return e
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	// Exactly one JSON value: anything but whitespace after it is an error.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return decodeError(err)
		}
		return NewError(http.StatusBadRequest, CodeInvalidJSON,
			"The request body must contain a single JSON object.")
	}
	return nil
}

// decodeError translates an encoding/json (or body reading) error into an
// API error.
func decodeError(err error) *Error {
	var (
		maxErr    *http.MaxBytesError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &maxErr):
		return NewError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
			fmt.Sprintf("The request body is larger than the limit of %d bytes.", maxErr.Limit))
	case errors.Is(err, io.EOF):
		return NewError(http.StatusBadRequest, CodeInvalidJSON, "The request body is empty; a JSON object is required.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return NewError(http.StatusBadRequest, CodeInvalidJSON, "The request body is truncated JSON.")
	case errors.As(err, &syntaxErr):
		return NewError(http.StatusBadRequest, CodeInvalidJSON,
			fmt.Sprintf("The request body is not valid JSON (at byte %d).", syntaxErr.Offset))
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return NewError(http.StatusBadRequest, CodeInvalidJSON,
				fmt.Sprintf("The request body must be a JSON object, not %s.", typeErr.Value))
		}
		return &Error{
			Status:  http.StatusBadRequest,
			Code:    CodeInvalidJSON,
			Message: "A field has the wrong JSON type.",
			Fields:  map[string]string{Echo(typeErr.Field): fmt.Sprintf("must be %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)},
		}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no typed error for DisallowUnknownFields; the
		// name is quoted with strconv.Quote.
		quoted := strings.TrimPrefix(err.Error(), "json: unknown field ")
		name, uerr := strconv.Unquote(quoted)
		if uerr != nil {
			name = strings.Trim(quoted, `"`)
		}
		return &Error{
			Status:  http.StatusBadRequest,
			Code:    CodeInvalidJSON,
			Message: fmt.Sprintf("The request body has an unknown field %s.", Quote(name)),
			Fields:  map[string]string{Echo(name): "unknown field"},
		}
	default:
		return NewError(http.StatusBadRequest, CodeInvalidJSON, "The request body could not be read as JSON.")
	}
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(kind string) string {
	switch kind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	default:
		return "a different type"
	}
}
