package importer_test

import (
	"context"
	"encoding/xml"
	"os"
	"strconv"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/store"
)

// The seed-style importer, for comparison in the same benchmark run: parse the whole
// document into memory with encoding/xml, then write every result in one transaction.

type domSuite struct {
	Name   string     `xml:"name,attr"`
	Cases  []domCase  `xml:"testcase"`
	Suites []domSuite `xml:"testsuite"`
}

type domText struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type domCase struct {
	Classname string     `xml:"classname,attr"`
	Name      string     `xml:"name,attr"`
	Time      string     `xml:"time,attr"`
	Failure   *domText   `xml:"failure"`
	Error     *domText   `xml:"error"`
	Skipped   *domText   `xml:"skipped"`
	Flaky     []struct{} `xml:"flakyFailure"`
	SystemOut string     `xml:"system-out"`
	SystemErr string     `xml:"system-err"`
}

func domResults(s domSuite, out []core.Result) []core.Result {
	for _, c := range s.Cases {
		r := core.Result{Classname: core.IdentityClass(c.Classname, s.Name), Name: c.Name, SystemOut: c.SystemOut, SystemErr: c.SystemErr}
		r.Duration, _ = strconv.ParseFloat(c.Time, 64)
		for _, x := range []struct {
			t  *domText
			st core.Status
		}{{c.Failure, core.Failed}, {c.Error, core.Error}, {c.Skipped, core.Skipped}} {
			if x.t != nil {
				r.Status, r.Message, r.Type, r.Details = x.st, x.t.Message, x.t.Type, x.t.Text
				break
			}
		}
		r.Flaky = r.Status == core.Passed && len(c.Flaky) > 0
		out = append(out, r)
	}
	for _, sub := range s.Suites {
		out = domResults(sub, out)
	}
	return out
}

func importDOM(ctx context.Context, st store.Store, path string, ref core.JobRef) (core.Job, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return core.Job{}, err
	}
	var root domSuite
	if err := xml.Unmarshal(data, &root); err != nil {
		return core.Job{}, err
	}
	results := domResults(root, nil)
	w, err := st.BeginJob(ctx, ref, core.WriteOptions{})
	if err != nil {
		return core.Job{}, err
	}
	if err := w.Add(ctx, results); err != nil {
		w.Rollback()
		return core.Job{}, err
	}
	return w.Commit(ctx, core.ImportStats{Files: 1, Bytes: int64(len(data))})
}

// BenchmarkImport1MDOMBaseline imports the same report as BenchmarkImport1M the way the
// web tracker did.
func BenchmarkImport1MDOMBaseline(b *testing.B) {
	benchmarkImport(b, generated(b, "1m.xml", junitgen.Spec{Cases: 1_000_000, Seed: 1}), importDOM)
}
