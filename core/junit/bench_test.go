package junit_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"sync"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/junit"
	"github.com/regtracker/regtracker/core/junit/junitgen"
)

var (
	report1M     []byte
	report1MOnce sync.Once
)

// report1MBytes is a generated 1,000,000-case report (about 155 MB), made once.
func report1MBytes(b *testing.B) []byte {
	report1MOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := junitgen.Write(&buf, junitgen.Spec{Cases: 1_000_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		report1M = buf.Bytes()
	})
	return report1M
}

// BenchmarkDecode1M: the decoder alone, from memory.
func BenchmarkDecode1M(b *testing.B) {
	data := report1MBytes(b)
	b.SetBytes(int64(len(data)))
	var cases int
	for b.Loop() {
		d := junit.NewDecoder(bytes.NewReader(data), "1m.xml", 0)
		var r core.Result
		for {
			err := d.Next(&r)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			cases++
		}
	}
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkEncodingXMLTokens1M: for comparison, only tokenizing the same report with
// encoding/xml, without building any result.
func BenchmarkEncodingXMLTokens1M(b *testing.B) {
	data := report1MBytes(b)
	b.SetBytes(int64(len(data)))
	var cases int
	for b.Loop() {
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			tok, err := d.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "testcase" {
				cases++
			}
		}
	}
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
}
