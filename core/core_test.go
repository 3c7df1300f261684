package core

import "testing"

func TestParseJobRef(t *testing.T) {
	cases := []struct {
		in       string
		optional bool
		want     string
		ok       bool
	}{
		{"7.0/vpn/14", false, "7.0/vpn/14", true},
		{"7.0/vpn", true, "7.0/vpn", true},
		{"7.0/vpn", false, "", false},
		{"7.0/vpn/x", true, "", false},
		{"7.0/vpn/0", true, "", false},
		{"7.0//14", false, "", false},
		{"7.0/vpn/14/2", true, "", false},
	}
	for _, c := range cases {
		r, err := ParseJobRef(c.in, c.optional)
		if (err == nil) != c.ok || (c.ok && r.String() != c.want) {
			t.Errorf("ParseJobRef(%q, %v) = %v, %v", c.in, c.optional, r, err)
		}
	}
	if m, err := ParseModuleRef("6.4/ike"); err != nil || m.Release != "6.4" || m.Module != "ike" {
		t.Errorf("ParseModuleRef: %v %v", m, err)
	}
}

func TestStatusPrecedenceAndNames(t *testing.T) {
	if Worse(Skipped, Failed) != Failed || Worse(Error, Skipped) != Error || Worse(Failed, Error) != Failed || Worse(Passed, Skipped) != Skipped {
		t.Error("precedence is failed > error > skipped > passed")
	}
	for _, s := range []Status{Passed, Skipped, Error, Failed} {
		if p, err := ParseStatus(s.String()); err != nil || p != s {
			t.Errorf("round trip of %v: %v %v", s, p, err)
		}
	}
	if !Failed.IsFailure() || !Error.IsFailure() || Skipped.IsFailure() || Passed.IsFailure() {
		t.Error("IsFailure")
	}
}

func TestCountsFlakyArePassed(t *testing.T) {
	var c Counts
	for _, r := range []Result{{Status: Passed, Flaky: true, Duration: 1}, {Status: Failed, Duration: 2}, {Status: Skipped}, {Status: Error}, {Status: Passed}} {
		c.Add(&r)
	}
	if c != (Counts{Tests: 5, Passed: 2, Failed: 1, Errors: 1, Skipped: 1, Flaky: 1, Duration: 3}) {
		t.Errorf("%+v", c)
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"plain":            "plain",
		"caf\u00e9 \u2713": "caf\u00e9 \u2713",
		"a\x00b\x00":       "a\uFFFDb\uFFFD",
		"x\xff\xfey":       "x\uFFFDy",
		"cut \xe2\x9c":     "cut \uFFFD",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
