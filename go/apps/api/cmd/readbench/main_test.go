package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// TestSmallRun measures a tiny ledger on SQLite: every kind of request is
// answered, without errors, and the result is the JSON the bench reads.
func TestSmallRun(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"readbench", "-builds", "300", "-images", "30", "-limit", "10", "-duration", "200ms", "-json"},
		func(string) string { return "" }, &out)
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if res.Database != "sqlite" || res.Builds != 300 || res.Images != 30 || len(res.Endpoints) != 3 {
		t.Fatalf("result %+v", res)
	}
	for _, e := range res.Endpoints {
		if e.Requests == 0 || e.Errors != 0 || e.P99Ms <= 0 || e.P50Ms > e.P99Ms {
			t.Errorf("%s: %+v", e.Name, e)
		}
	}
}

func TestHistory(t *testing.T) {
	builds, runs := history(1000, 100)
	images := map[string]bool{}
	for i, b := range builds {
		if err := b.Validate(); err != nil {
			t.Fatalf("build %d: %v", i, err)
		}
		if i > 0 && !b.RecordedAt.After(builds[i-1].RecordedAt) {
			t.Fatalf("build %d is not newer than the one before", i)
		}
		images[b.Image] = true
	}
	if len(builds) != 1000 || len(images) != 100 || runs != 50 {
		t.Fatalf("%d builds of %d images in %d runs", len(builds), len(images), runs)
	}
	for _, args := range [][]string{{"-images", "0"}, {"-builds", "5", "-images", "10"}, {"-limit", "101"}, {"extra"}} {
		if err := run(context.Background(), append([]string{"readbench"}, args...), func(string) string { return "" }, &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
