// Package assertdiff finds the expected and the actual value in a failure message
// written by a common assertion library, and diffs the two character by character.
package assertdiff

import (
	"regexp"
	"strings"
)

// Values are the two sides of a failed equality assertion.
type Values struct {
	Expected, Actual string
	Shape            string // which library's wording matched, e.g. "junit4"
}

// shape is one library's wording: a pattern with the groups "expected" and "actual".
type shape struct {
	name string
	re   *regexp.Regexp
}

// shapes, most specific first. (?s) lets a value span lines.
var shapes = []shape{
	// JUnit 4 assertEquals: "expected:<3> but was:<4>", ComparisonFailure's "[...]"
	// marking the part that differs.
	{"junit4", regexp.MustCompile(`(?s)expected:<(?P<expected>.*?)> but was:<(?P<actual>.*)>`)},
	// JUnit 5 assertEquals: "expected: <3> but was: <4>".
	{"junit5", regexp.MustCompile(`(?s)expected: <(?P<expected>.*?)> but was: <(?P<actual>.*)>`)},
	// The same with brackets, as older JUnit-style libraries write it: "expected: [3] but was: [4]".
	{"junit5", regexp.MustCompile(`(?s)expected: \[(?P<expected>.*?)\] but was: \[(?P<actual>.*)\]`)},
	// AssertJ isEqualTo, 3.x: "expected: 3\n but was: 4"; and since 3.20 "Expecting actual:\n  4\nto be equal to:\n  3".
	{"assertj", regexp.MustCompile(`(?s)expected: (?P<expected>.*?)\n\s*but was: (?P<actual>.*)`)},
	{"assertj", regexp.MustCompile(`(?s)Expecting actual:\s*\n\s*(?P<actual>.*?)\n\s*to be equal to:\s*\n\s*(?P<expected>.*?)(?:\nwhen comparing|\n\n|$)`)},
	// Hamcrest assertThat: "Expected: <3>\n     but: was <4>"; NUnit: "Expected: 3\n  But was:  4".
	{"hamcrest", regexp.MustCompile(`(?s)Expected: (?P<expected>.*?)\n\s*but: was (?P<actual>.*)`)},
	{"nunit", regexp.MustCompile(`(?s)Expected: (?P<expected>.*?)\r?\n\s*But was:\s+(?P<actual>.*)`)},
	// Go testify assert.Equal: "expected: 3\n actual  : 4".
	{"testify", regexp.MustCompile(`(?s)expected\s*: (?P<expected>.*?)\n\s*actual\s*: (?P<actual>.*?)(?:\n\s*\n|\n\s*Diff:|\n\s*Test:|$)`)},
	// Jest expect(...).toBe/toEqual: "Expected: 3\nReceived: 4".
	{"jest", regexp.MustCompile(`(?s)Expected: (?P<expected>.*?)\n\s*Received: (?P<actual>.*?)(?:\n\n|\n\s+at |$)`)},
	// TestNG: "expected [3] but found [4]".
	{"testng", regexp.MustCompile(`(?s)expected \[(?P<expected>.*?)\] but found \[(?P<actual>.*)\]`)},
	// pytest: "assert 4 == 3": the left side is the value under test.
	{"pytest", regexp.MustCompile(`(?m)^(?:AssertionError: )?assert (?P<actual>.+?) == (?P<expected>.+?)$`)},
	// Node's assert.strictEqual: "Expected values to be strictly equal:\n\n4 !== 3".
	{"node", regexp.MustCompile(`(?s)Expected values to be (?:strictly |loosely )?(?:deep-)?equal:\s*\n\s*\n?(?P<actual>[^\n]+?) !==? (?P<expected>[^\n]+)`)},
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Parse finds the expected and the actual value in message. ok is false when no known
// wording matches.
func Parse(message string) (v Values, ok bool) {
	m := ansi.ReplaceAllString(message, "")
	for _, s := range shapes {
		g := s.re.FindStringSubmatch(m)
		if g == nil {
			continue
		}
		v.Shape = s.name
		for i, name := range s.re.SubexpNames() {
			switch name {
			case "expected":
				v.Expected = strings.TrimSpace(g[i])
			case "actual":
				v.Actual = strings.TrimSpace(g[i])
			}
		}
		if v.Expected != "" || v.Actual != "" {
			return v, true
		}
	}
	return Values{}, false
}
