package envconfig

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Var describes one environment variable of a service. A service's list
// of Vars is the one place its variables are described: -h prints it
// (Usage), and a test holds the table in its docs to MarkdownTable, so
// neither can drift from the other.
type Var struct {
	// Name is the variable's name, such as API_ADDR.
	Name string
	// Default is the value an unset variable stands for; empty when unset
	// means something else, which Unset says (such as "writes refused").
	Default string
	Unset   string
	// Meaning says what the variable sets, in a few words; Markdown code
	// spans (`ledger.db`) are allowed.
	Meaning string
}

// fallback says what an unset v means: "default X" or "none: …".
func (v Var) fallback(code func(string) string) string {
	if v.Default != "" {
		return code(v.Default)
	}
	return "(none: " + v.Unset + ")"
}

// Usage renders vars for -h: one indented line each, name, meaning and
// what unset means, aligned.
func Usage(vars []Var) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	plain := func(s string) string { return strings.ReplaceAll(s, "`", "") }
	for _, v := range vars {
		unset := v.fallback(func(d string) string { return "(default " + d + ")" })
		fmt.Fprintf(w, "  %s\t%s %s\n", v.Name, plain(v.Meaning), unset)
	}
	w.Flush()
	return b.String()
}

// MarkdownTable renders vars as the Markdown table of a service's docs:
// variable, default, meaning.
func MarkdownTable(vars []Var) string {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n| --- | --- | --- |\n")
	code := func(s string) string { return "`" + s + "`" }
	for _, v := range vars {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", code(v.Name), v.fallback(code), v.Meaning)
	}
	return b.String()
}
