package server

import (
	"net/http"
	"net/url"
	"strconv"

	"slipway/apps/api/internal/ledger"
	"slipway/libs/httpx"
)

// queryParams reads a request's query parameters, collecting a message per
// invalid one so that a 400 names every bad parameter at once.
type queryParams struct {
	values url.Values
	fields map[string]string
}

func newQueryParams(r *http.Request) *queryParams {
	return &queryParams{values: r.URL.Query(), fields: map[string]string{}}
}

// limit reads "limit": an integer from 1 to maxN, def when absent.
func (q *queryParams) limit(def, maxN int) int {
	v := q.values.Get("limit")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxN {
		q.fields["limit"] = "must be an integer from 1 to " + strconv.Itoa(maxN)
		return def
	}
	return n
}

// cursor reads "cursor" with parse; nil when absent or empty.
func cursor[C any](q *queryParams, parse func(string) (C, error)) *C {
	v := q.values.Get("cursor")
	if v == "" {
		return nil
	}
	c, err := parse(v)
	if err != nil {
		q.fields["cursor"] = "is not a valid cursor; pass nextCursor from the previous page unchanged"
		return nil
	}
	return &c
}

// outcome reads "outcome": built, reused, or "" when absent.
func (q *queryParams) outcome() ledger.Outcome {
	switch o := ledger.Outcome(q.values.Get("outcome")); o {
	case "", ledger.OutcomeBuilt, ledger.OutcomeReused:
		return o
	default:
		q.fields["outcome"] = `must be "built" or "reused"`
		return ""
	}
}

// project reads "project": an Nx project name, or "" when absent.
func (q *queryParams) project() string {
	if !q.values.Has("project") {
		return ""
	}
	p := q.values.Get("project")
	if msg := ledger.ValidateProject(p); msg != "" {
		q.fields["project"] = msg
		return ""
	}
	return p
}

// err is the 400 invalid_query error naming every invalid parameter, or
// nil when all were valid.
func (q *queryParams) err() *httpx.Error {
	if len(q.fields) == 0 {
		return nil
	}
	return &httpx.Error{
		Status:  http.StatusBadRequest,
		Code:    codeInvalidQuery,
		Message: "The query parameters are invalid; see fields for details.",
		Fields:  q.fields,
	}
}
