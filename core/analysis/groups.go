package analysis

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/regtracker/regtracker/core"
)

// Group is a set of a job's failing tests whose messages share a signature.
type Group struct {
	Signature string
	Count     int
	Example   Change // the first test of the group by name, with its message
	// Seqs are the positions in the job of the group's results (see Change.Seq).
	Seqs []uint32
}

// Groups groups the failing tests (failed or error) of job by message signature, largest
// group first.
func Groups(ctx context.Context, st Store, job core.JobRef) ([]Group, error) {
	r, err := st.States(ctx, job)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var keys []int64
	var seqs []uint32
	status := map[int64]core.Status{}
	for s, ok := r.Next(); ok; s, ok = r.Next() {
		if s.Status.IsFailure() {
			keys, seqs = append(keys, s.Key), append(seqs, s.Seq)
			status[s.Key] = s.Status
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	names, err := st.TestNames(ctx, keys)
	if err != nil {
		return nil, err
	}
	messages, err := st.Messages(ctx, job, seqs)
	if err != nil {
		return nil, err
	}
	bySig := map[string]*Group{}
	for i, k := range keys {
		ch := Change{Test: names[k], Status: status[k], InBase: false, Seq: seqs[i], Message: messages[seqs[i]]}
		sig := Signature(ch.Message)
		g := bySig[sig]
		if g == nil {
			g = &Group{Signature: sig, Example: ch}
			bySig[sig] = g
		}
		g.Count++
		g.Seqs = append(g.Seqs, seqs[i])
		if before(ch.Test, g.Example.Test) {
			g.Example = ch
		}
	}
	out := make([]Group, 0, len(bySig))
	for _, g := range bySig {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Signature, b.Signature))
	})
	return out, nil
}

func before(a, b core.TestID) bool {
	return a.Classname < b.Classname || (a.Classname == b.Classname && a.Name < b.Name)
}

// masks are applied in order: what varies between failures of one cause. Their
// replacements use braces, which no later mask matches.
var masks = []struct {
	re   *regexp.Regexp
	with func(string) string
}{
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?|\b\d{2}:\d{2}:\d{2}(\.\d+)?\b`), always("{time}")},
	{regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), always("{uuid}")},
	{regexp.MustCompile(`(?i)(/tmp|/var/tmp|/var/folders|/private/var/folders|[a-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp)[/\\][^\s'"<>:,;)\]]*`), always("{tmp}")},
	{regexp.MustCompile(`"[^"\n]*"`), always(`"{q}"`)},
	{regexp.MustCompile(`'[^'\n]*'`), always(`'{q}'`)},
	{regexp.MustCompile(`<[^<>\n]{0,80}>`), always(`<{q}>`)},
	{regexp.MustCompile(`(?i)\b0x[0-9a-f]+\b|\b[0-9a-f]{6,}\b`), hexID},
	{regexp.MustCompile(`\d+(\.\d+)?`), always("{n}")},
}

func always(s string) func(string) string { return func(string) string { return s } }

// hexID masks a hexadecimal id: 0x..., or six or more hex digits mixing digits and
// letters (plain numbers are left to the number mask, plain words alone).
func hexID(m string) string {
	if strings.HasPrefix(strings.ToLower(m), "0x") {
		return "{hex}"
	}
	if strings.ContainsAny(m, "0123456789") && strings.ContainsAny(strings.ToLower(m), "abcdef") {
		return "{hex}"
	}
	return m
}

// Signature is a failure message with what varies between failures of one cause masked:
// timestamps, UUIDs, temporary paths, quoted values, hexadecimal ids and numbers. Only
// the first line counts.
func Signature(message string) string {
	s := strings.TrimSpace(message)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) > 500 {
		s = s[:500]
	}
	for _, m := range masks {
		s = m.re.ReplaceAllStringFunc(s, m.with)
	}
	return s
}
