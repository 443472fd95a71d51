// Package evidence decides whether uploaded bytes are acceptable evidence (R-APP-01): JPG,
// JPEG or PDF judged by content, never by name, at most 2 MiB, and not corrupt; and it turns
// several ordered images into one PDF (R-APP-02). Accept and CombineImages stream the upload
// into a bounded temporary file, validate it completely, and only then hand it to a blob
// store, so nothing invalid is ever referenced.
package evidence

import (
	"bytes"
	"fmt"
	"image/jpeg"

	"zhicheng/internal/model"
)

// MaxSize is the largest accepted file: 2 × 1024 × 1024 bytes (R-APP-01).
const MaxSize = 2 << 20

// Kind is an accepted content type.
type Kind string

const (
	PDF  Kind = "application/pdf"
	JPEG Kind = "image/jpeg"
)

const defaultFix = "请上传 JPG、JPEG 或 PDF 格式、不超过 2 MB 的清晰文件；多张图片可合并为一个 PDF"

func refuse(msg string) error { return refuseFix(msg, defaultFix) }

func refuseFix(msg, fix string) error {
	return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-01", Field: "file", Message: msg, Fix: fix}
}

// Check inspects the whole file (at most MaxSize bytes, which the caller has bounded while
// reading) and returns its kind or a refusal naming the reason. It is the light check of
// small in-memory files (entrustment letters); evidence uploads go through Accept, which
// also validates PDF structure with pdfcpu.
func Check(data []byte) (Kind, error) {
	switch {
	case len(data) == 0:
		return "", refuse("文件为空")
	case len(data) > MaxSize:
		return "", refuse(fmt.Sprintf("文件大小 %.2f MB，超过 2 MB 上限", float64(len(data))/(1<<20)))
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return checkPDF(data)
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			return "", refuse(msgCorruptJPEG)
		}
		return JPEG, nil
	}
	if name := formatName(data); name != "" {
		return "", refuseFix(disguised(name), disguisedFix(name))
	}
	return "", refuse(msgUnknown)
}

// checkPDF accepts a PDF whose header and end-of-file marker are both present: a
// truncated upload loses its trailer.
func checkPDF(data []byte) (Kind, error) {
	tail := data[max(0, len(data)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) || !bytes.Contains(data, []byte("startxref")) {
		return "", refuse(msgTruncatedPDF)
	}
	return PDF, nil
}
