// Package evidencetest makes evidence files for tests of several packages: a valid PDF of an
// exact size, for the R-APP-01 boundary (exactly 2 MiB accepted, one byte more refused).
package evidencetest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// SizedPDF is a valid one-page PDF of exactly size bytes, written by hand so that the
// cross-reference offsets stay right: the page's content stream is padded with comment lines.
func SizedPDF(t testing.TB, size int) []byte {
	t.Helper()
	pad := 0
	for range 8 {
		data := buildPDF(pad)
		if len(data) == size {
			return data
		}
		pad += size - len(data)
		if pad < 0 {
			t.Fatalf("a PDF cannot be as small as %d bytes", size)
		}
	}
	t.Fatalf("could not build a PDF of exactly %d bytes", size)
	return nil
}

func buildPDF(pad int) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(format string, args ...any) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, format, args...)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	obj("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
	obj("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>\nendobj\n")
	var content strings.Builder
	content.WriteString("0 0 1 rg 100 100 200 200 re f\n")
	for rest := pad; rest > 0; {
		n := min(rest, 80)
		if n == 1 {
			content.WriteString("\n")
		} else {
			content.WriteString("%" + strings.Repeat("x", n-2) + "\n")
		}
		rest -= n
	}
	obj("4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", content.Len(), content.String())
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
