package jenkins

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/regtracker/regtracker/core"
)

// TestReportDecoder reads the JUnit plugin's test report JSON
// ({"suites":[{"name":..., "cases":[{...}]}]}, or "childReports":[{"result":{...}}] for
// matrix builds) one case at a time, so that a report of a million cases is never held
// whole. Statuses map as XML's do: PASSED and FIXED are passed, FAILED and REGRESSION
// failed, SKIPPED skipped.
type TestReportDecoder struct {
	dec     *json.Decoder
	name    string
	maxText int
	suite   string
	stack   []role // what each open object or array is
	started bool
}

// role is what an open JSON object or array is in a test report.
type role int

const (
	reportObject role = iota // the report, or a child report's "result"
	suitesArray
	suiteObject
	casesArray
	childrenArray
	childObject
)

// NewTestReportDecoder reads a test report from r; name is used in errors.
func NewTestReportDecoder(r io.Reader, name string, maxText int) *TestReportDecoder {
	if maxText <= 0 {
		maxText = 64 << 10
	}
	return &TestReportDecoder{dec: json.NewDecoder(r), name: name, maxText: maxText}
}

type jsonCase struct {
	ClassName       string   `json:"className"`
	Name            string   `json:"name"`
	Status          string   `json:"status"`
	Duration        float64  `json:"duration"`
	Skipped         bool     `json:"skipped"`
	SkippedMessage  string   `json:"skippedMessage"`
	ErrorDetails    *string  `json:"errorDetails"`
	ErrorStackTrace *string  `json:"errorStackTrace"`
	Stdout          *string  `json:"stdout"`
	Stderr          *string  `json:"stderr"`
	Flaky           []string `json:"flakyFailures"` // not sent by every plugin version
}

func (d *TestReportDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("%s (byte %d): %s", d.name, d.dec.InputOffset(), fmt.Sprintf(format, args...))
}

func (d *TestReportDecoder) token() (json.Token, error) {
	tok, err := d.dec.Token()
	switch {
	case err == io.EOF && d.started && len(d.stack) == 0:
		return nil, io.EOF
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return nil, d.errorf("the test report is truncated")
	case err != nil:
		return nil, d.errorf("not a test report: %v", err)
	}
	return tok, nil
}

// expect reads an opening delimiter and pushes role; a null value is an empty one.
func (d *TestReportDecoder) expect(open json.Delim, r role) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != open {
		return d.errorf("unexpected %v", tok)
	}
	d.stack = append(d.stack, r)
	return nil
}

// skip reads and drops one value.
func (d *TestReportDecoder) skip() error {
	depth := 0
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// Next decodes the next case into r; io.EOF after the last.
func (d *TestReportDecoder) Next(r *core.Result) error {
	if !d.started {
		d.started = true
		if err := d.expect('{', reportObject); err == io.EOF {
			return d.errorf("empty test report")
		} else if err != nil {
			return err
		}
	}
	for len(d.stack) > 0 {
		top := d.stack[len(d.stack)-1]
		switch top {
		case casesArray:
			if d.dec.More() {
				var c jsonCase
				if err := d.dec.Decode(&c); err != nil {
					return d.errorf("test case: %v", err)
				}
				*r = d.result(c)
				return nil
			}
		case suitesArray, childrenArray:
			if d.dec.More() {
				next := suiteObject
				if top == childrenArray {
					next = childObject
				}
				if err := d.expect('{', next); err != nil {
					return err
				}
				if next == suiteObject {
					d.suite = ""
				}
				continue
			}
		default: // an object: a key, or its end
			if d.dec.More() {
				tok, err := d.token()
				if err != nil {
					return err
				}
				key, _ := tok.(string)
				if err := d.value(top, key); err != nil {
					return err
				}
				continue
			}
		}
		if _, err := d.token(); err != nil { // the closing delimiter
			return err
		}
		d.stack = d.stack[:len(d.stack)-1]
	}
	if _, err := d.token(); err != io.EOF {
		if err == nil {
			err = d.errorf("data after the report")
		}
		return err
	}
	return io.EOF
}

// value reads the value of key in an object of role obj.
func (d *TestReportDecoder) value(obj role, key string) error {
	switch {
	case obj == reportObject && key == "suites":
		return d.expect('[', suitesArray)
	case obj == reportObject && key == "childReports":
		return d.expect('[', childrenArray)
	case obj == childObject && key == "result":
		return d.expect('{', reportObject)
	case obj == suiteObject && key == "name":
		var name *string
		if err := d.dec.Decode(&name); err != nil {
			return d.errorf("suite name: %v", err)
		}
		if name != nil {
			d.suite = *name
		}
		return nil
	case obj == suiteObject && key == "cases":
		return d.expect('[', casesArray)
	}
	return d.skip()
}

func (d *TestReportDecoder) result(c jsonCase) core.Result {
	r := core.Result{Classname: core.CleanText(core.IdentityClass(c.ClassName, d.suite)), Name: core.CleanText(c.Name), Duration: max(c.Duration, 0)}
	switch strings.ToUpper(c.Status) {
	case "FAILED", "REGRESSION":
		r.Status = core.Failed
	case "SKIPPED":
		r.Status = core.Skipped
	default:
		if c.Skipped {
			r.Status = core.Skipped
		}
	}
	clip := func(p *string) string {
		if p == nil {
			return ""
		}
		s := *p
		if len(s) > d.maxText {
			head, tail := d.maxText*3/4, d.maxText/4
			s = s[:head] + fmt.Sprintf("\n[... %d bytes omitted ...]\n", len(s)-head-tail) + s[len(s)-tail:]
		}
		return core.CleanText(s)
	}
	switch r.Status {
	case core.Failed:
		r.Message, r.Details = clip(c.ErrorDetails), clip(c.ErrorStackTrace)
		if r.Message == "" {
			r.Message = firstLine(r.Details)
		}
	case core.Skipped:
		r.Message = core.CleanText(c.SkippedMessage)
	case core.Passed:
		r.Flaky = len(c.Flaky) > 0
	}
	r.SystemOut, r.SystemErr = clip(c.Stdout), clip(c.Stderr)
	return r
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}
