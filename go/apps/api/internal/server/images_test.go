package server

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"slipway/apps/api/internal/apitypes"
)

func TestImagesNewestLatestFirst(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		res := api.do(t, "GET", "/api/v1/images", nil, nil)
		if res.status != 200 || string(res.body) != `{"images":[],"nextCursor":null}`+"\n" {
			t.Fatalf("empty images: %d %s", res.status, res.body)
		}

		builds := postAPIThenWeb(t, api)
		var images apitypes.ImageList
		res = api.do(t, "GET", "/api/v1/images", nil, nil)
		res.json(t, &images)
		if len(images.Images) != 2 {
			t.Fatalf("images %s", res.body)
		}
		if im := images.Images[0]; im.Image != portWebImage || im.Project != "web" || im.Builds != 1 || im.Latest.Id != builds[5].Id {
			t.Fatalf("first image %+v", im)
		}
		if im := images.Images[1]; im.Image != slipwayAPIImage || im.Builds != 5 || im.Latest.Id != builds[4].Id ||
			!slices.Equal(im.Latest.Tags, []string{"v4"}) {
			t.Fatalf("second image %+v", im)
		}
	})
}

func TestImagesOverview(t *testing.T) {
	eachAPI(t, []string{token}, 65536, func(t *testing.T, api *testAPI) {
		seedLedger(t, api)
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{
				"r.example/ns/api api builds=3 latest=8 built=12:00:03 reused=12:00:07 runs=3/1",
				"r.example/ns/web web builds=4 latest=7 built=12:00:05 reused=12:00:06 runs=3/2",
				"r.example/ns/cache cache builds=1 latest=5 built=12:00:04 reused=- runs=1/0",
			}},
			{"?project=web", []string{"r.example/ns/web web builds=4 latest=7 built=12:00:05 reused=12:00:06 runs=3/2"}},
			{"?project=%40slipway%2Fnone", nil},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				// One page, and pages of one and two images: the same list.
				for _, limit := range []string{"", "1", "2"} {
					got := overview(t, api, tt.query, limit)
					if !slices.Equal(got, tt.want) {
						t.Fatalf("limit %q: images\n got %q\nwant %q", limit, got, tt.want)
					}
				}
			})
		}
	})
}

// overview follows the image overview's pages (limit images each, the
// default when "") from query and describes every image, in order.
func overview(t *testing.T, api *testAPI, query, limit string) []string {
	t.Helper()
	var got []string
	cursor := ""
	for page := 0; page < 10; page++ {
		q := url.Values{}
		if base, err := url.ParseQuery(strings.TrimPrefix(query, "?")); err == nil {
			q = base
		}
		if limit != "" {
			q.Set("limit", limit)
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		res := api.do(t, "GET", "/api/v1/images?"+q.Encode(), nil, nil)
		if res.status != 200 {
			t.Fatalf("%d %s", res.status, res.body)
		}
		var list apitypes.ImageList
		res.json(t, &list)
		if n, err := strconv.Atoi(limit); err == nil && len(list.Images) > n {
			t.Fatalf("page of %d, limit %s", len(list.Images), limit)
		}
		for _, im := range list.Images {
			got = append(got, fmt.Sprintf("%s %s builds=%d latest=%d built=%s reused=%s runs=%d/%d",
				im.Image, im.Project, im.Builds, im.Latest.Id, clock(im.LastBuiltAt), clock(im.LastReusedAt),
				im.Runs.Total, im.Runs.Reused))
		}
		if list.NextCursor == nil {
			return got
		}
		cursor = *list.NextCursor
	}
	t.Fatal("too many pages")
	return nil
}
