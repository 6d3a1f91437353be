package config

import (
	"bytes"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"slipway/libs/envconfig"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr []string // substrings of the error
	}{
		{
			name: "defaults",
			env:  nil,
			want: Config{Addr: ":8080", DataDir: "./data", MaxBodyBytes: 65536, LogLevel: "info", ShutdownTimeout: 10 * time.Second},
		},
		{
			name: "all set",
			env: map[string]string{
				"API_ADDR": "127.0.0.1:0", "API_DATA_DIR": "/var/lib/slipway", "API_WRITE_TOKENS": "t1, t2,,",
				"API_MAX_BODY_BYTES": "1024", "API_LOG_LEVEL": "debug", "API_SHUTDOWN_TIMEOUT": "2s",
			},
			want: Config{Addr: "127.0.0.1:0", DataDir: "/var/lib/slipway", WriteTokens: []string{"t1", "t2"},
				MaxBodyBytes: 1024, LogLevel: "debug", ShutdownTimeout: 2 * time.Second},
		},
		{
			name: "postgres",
			env:  map[string]string{"DATABASE_URL": "postgres://ledger:pw@db:5432/ledger"},
			want: Config{Addr: ":8080", DataDir: "./data", DatabaseURL: "postgres://ledger:pw@db:5432/ledger",
				MaxBodyBytes: 65536, LogLevel: "info", ShutdownTimeout: 10 * time.Second},
		},
		{
			name:    "database url of another database",
			env:     map[string]string{"DATABASE_URL": "mysql://ledger:pw@db/ledger"},
			wantErr: []string{`DATABASE_URL="(hidden)": must be a postgres:// or postgresql:// URL`},
		},
		{
			name:    "bad body limit",
			env:     map[string]string{"API_MAX_BODY_BYTES": "64k"},
			wantErr: []string{`API_MAX_BODY_BYTES="64k": must be an integer`},
		},
		{
			name:    "zero body limit",
			env:     map[string]string{"API_MAX_BODY_BYTES": "0"},
			wantErr: []string{`API_MAX_BODY_BYTES="0": must be greater than 0`},
		},
		{
			name:    "bad duration",
			env:     map[string]string{"API_SHUTDOWN_TIMEOUT": "10"},
			wantErr: []string{`API_SHUTDOWN_TIMEOUT="10": must be a duration`},
		},
		{
			name:    "negative duration",
			env:     map[string]string{"API_SHUTDOWN_TIMEOUT": "-1s"},
			wantErr: []string{`API_SHUTDOWN_TIMEOUT="-1s": must be greater than 0`},
		},
		{
			name:    "bad level",
			env:     map[string]string{"API_LOG_LEVEL": "loud"},
			wantErr: []string{`API_LOG_LEVEL="loud"`},
		},
		{
			name:    "several at once",
			env:     map[string]string{"API_LOG_LEVEL": "loud", "API_MAX_BODY_BYTES": "x", "API_SHUTDOWN_TIMEOUT": "soon"},
			wantErr: []string{"API_LOG_LEVEL", "API_MAX_BODY_BYTES", "API_SHUTDOWN_TIMEOUT"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(func(k string) string { return tt.env[k] })
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("expected error, got %+v", got)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	tests := []struct {
		cfg     Config
		storage string
	}{
		{Config{WriteTokens: []string{"s3cret"}, DataDir: "/var/lib/slipway"}, `"storage":"sqlite:/var/lib/slipway"`},
		{Config{WriteTokens: []string{"s3cret"}, DatabaseURL: "postgres://ledger:s3cret@db/ledger"}, `"storage":"postgres"`},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", tt.cfg)
		if strings.Contains(buf.String(), "s3cret") || !strings.Contains(buf.String(), `"writeTokens":1`) ||
			!strings.Contains(buf.String(), tt.storage) {
			t.Fatalf("log %s, want %s and no secret", buf.String(), tt.storage)
		}
	}
}

// TestVarsAreWhatLoadReads: Vars, which -h prints and the docs show, names
// every variable Load reads, and no other.
func TestVarsAreWhatLoadReads(t *testing.T) {
	var read []string
	if _, err := Load(func(name string) string { read = append(read, name); return "" }); err != nil {
		t.Fatal(err)
	}
	var described []string
	for _, v := range Vars {
		described = append(described, v.Name)
	}
	slices.Sort(read)
	slices.Sort(described)
	if !slices.Equal(slices.Compact(read), described) {
		t.Fatalf("Load reads %v, Vars describes %v", read, described)
	}
}

// docsPath is the API's documentation, whose configuration table is
// rendered from Vars (nx.json puts it in api's test inputs).
const docsPath = "../../../../../docs/api.md"

// TestDocsTableIsVars: the table of docs/api.md is Vars, rendered.
func TestDocsTableIsVars(t *testing.T) {
	raw, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	want := envconfig.MarkdownTable(Vars)
	header, _, _ := strings.Cut(want, "\n")
	_, rest, found := strings.Cut(string(raw), "\n"+header+"\n")
	if !found {
		t.Fatalf("%s has no table headed %q; put this one in its Configuration section:\n%s", docsPath, header, want)
	}
	lines := []string{header}
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		lines = append(lines, line)
	}
	if got := strings.Join(lines, "\n") + "\n"; got != want {
		t.Fatalf("the table of %s differs from Vars; it should read:\n%s\nit reads:\n%s", docsPath, want, got)
	}
}
