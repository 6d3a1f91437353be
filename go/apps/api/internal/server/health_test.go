package server

import (
	"net/http"
	"testing"
)

func TestHealth(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		res := api.do(t, "GET", "/healthz", nil, nil)
		if res.status != 200 || string(res.body) != `{"status":"ok","version":"1.2.3"}`+"\n" {
			t.Fatalf("healthz: %d %s", res.status, res.body)
		}
		res = api.do(t, "GET", "/readyz", nil, nil)
		if res.status != 200 {
			t.Fatalf("readyz: %d %s", res.status, res.body)
		}
		api.store.Close()
		res = api.do(t, "GET", "/readyz", nil, nil)
		if res.status != http.StatusServiceUnavailable || res.apiError(t).Code != "unavailable" {
			t.Fatalf("readyz with closed store: %d %s", res.status, res.body)
		}
	})
}
