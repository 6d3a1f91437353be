package envconfig

import "testing"

func TestVarRenderings(t *testing.T) {
	vars := []Var{
		{Name: "APP_ADDR", Default: ":8080", Meaning: "listen address"},
		{Name: "APP_DATA", Unset: "in memory", Meaning: "directory of `app.db`"},
	}
	usage := "  APP_ADDR  listen address (default :8080)\n" +
		"  APP_DATA  directory of app.db (none: in memory)\n"
	if got := Usage(vars); got != usage {
		t.Errorf("Usage:\n%s\nwant:\n%s", got, usage)
	}
	table := "| variable | default | meaning |\n| --- | --- | --- |\n" +
		"| `APP_ADDR` | `:8080` | listen address |\n" +
		"| `APP_DATA` | (none: in memory) | directory of `app.db` |\n"
	if got := MarkdownTable(vars); got != table {
		t.Errorf("MarkdownTable:\n%s\nwant:\n%s", got, table)
	}
}
