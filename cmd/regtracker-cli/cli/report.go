package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/regtracker/regtracker/core/report"
)

// runReport exports a job's comparison as Markdown, standalone HTML or CSV.
func runReport(ctx context.Context, e *env, args []string) error {
	f := newFlags("report", e)
	baseOf := baseFlag(f)
	formatArg := f.String("format", "md", "md, html or csv")
	out := f.String("o", "", "write to this file instead of standard output")
	ref, err := jobOperand(f, args)
	if err != nil {
		return err
	}
	if !slices.Contains(report.Formats, *formatArg) {
		return usagef("--format %q: want md, html or csv", *formatArg)
	}
	base, err := baseOf()
	if err != nil {
		return err
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := report.Build(ctx, st, ref, base)
	if err != nil {
		return err
	}
	if *out == "" {
		return report.Write(e.stdout, *formatArg, r)
	}
	file, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(file)
	if err := report.Write(w, *formatArg, r); err != nil {
		file.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		file.Close()
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	fmt.Fprintf(e.stderr, "wrote %s\n", *out)
	return nil
}
