// Package evidence decides whether uploaded bytes are acceptable evidence (R-APP-01): JPG,
// JPEG or PDF judged by content, never by name, at most 2 MiB, and not corrupt. It does no
// storage; callers store accepted bytes through internal/blob.
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

func refuse(msg string) error {
	return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-01", Field: "file", Message: msg,
		Fix: "请上传 JPG、JPEG 或 PDF 格式、不超过 2 MB 的清晰文件；多张图片可合并为一个 PDF"}
}

// Check inspects the whole file (at most MaxSize bytes, which the caller has bounded while
// reading) and returns its kind or a refusal naming the reason.
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
			return "", refuse("JPG 图片已损坏或不完整，无法打开")
		}
		return JPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		return "", refuse("这是 PNG 图片（与扩展名无关，系统按文件内容识别），不是 JPG/JPEG/PDF")
	}
	return "", refuse("文件内容不是 JPG、JPEG 或 PDF（系统按文件内容识别格式，改扩展名无效）")
}

// checkPDF accepts a PDF whose header and end-of-file marker are both present: a
// truncated upload loses its trailer. (Full structural validation with pdfcpu comes with
// the evidence uploads of the application form.)
func checkPDF(data []byte) (Kind, error) {
	tail := data[max(0, len(data)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) || !bytes.Contains(data, []byte("startxref")) {
		return "", refuse("PDF 文件不完整或已损坏（缺少文件结尾），请重新导出后上传")
	}
	return PDF, nil
}
