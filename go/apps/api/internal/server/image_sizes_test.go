package server

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"slipway/apps/api/internal/apitypes"
)

func TestImageSizes(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		seedLedger(t, api)
		tests := []struct {
			image string
			query string
			want  string
		}{
			{webImage, "", "12:00:00 4000000/5000000 built; 12:00:02 4000000/5000000 reused; 12:00:05 4100000/5000000 built; 12:00:06 4100000/5000000 reused"},
			{webImage, "?limit=2", "12:00:05 4100000/5000000 built; 12:00:06 4100000/5000000 reused"},
			{apiImage, "?limit=1000", "12:00:01 18000000/- built; 12:00:03 19000000/- built; 12:00:07 19000000/20000000 reused"},
		}
		for _, tt := range tests {
			t.Run(tt.image+tt.query, func(t *testing.T) {
				res := api.do(t, "GET", "/api/v1/images/"+url.PathEscape(tt.image)+"/sizes"+tt.query, nil, nil)
				if res.status != 200 {
					t.Fatalf("%d %s", res.status, res.body)
				}
				var series apitypes.SizeSeries
				res.json(t, &series)
				var got []string
				for _, p := range series.Points {
					budget := "-"
					if p.BudgetBytes != nil {
						budget = fmt.Sprint(*p.BudgetBytes)
					}
					got = append(got, fmt.Sprintf("%s %d/%s %s", clock(&p.RecordedAt), p.SizeBytes, budget, p.Outcome))
				}
				if series.Image != tt.image || strings.Join(got, "; ") != tt.want {
					t.Fatalf("series %s\n got %s\nwant %s", series.Image, strings.Join(got, "; "), tt.want)
				}
			})
		}
		// A point without budget says so with null, not by leaving it out.
		res := api.do(t, "GET", "/api/v1/images/"+url.PathEscape(cacheImage)+"/sizes", nil, nil)
		if !strings.Contains(string(res.body), `"budgetBytes":null`) {
			t.Fatalf("cache sizes %s", res.body)
		}
	})
}
