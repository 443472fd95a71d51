package evidence

import (
	"bytes"
	"net/http"
	"strings"
)

// Refusal texts shared by Check, Accept and CombineImages.
const (
	msgEmpty        = "文件为空"
	msgTooLarge     = "文件超过 2 MB 上限"
	msgCorruptJPEG  = "JPG 图片已损坏或不完整，无法打开"
	msgTruncatedPDF = "PDF 文件不完整或已损坏（缺少文件结尾），请重新导出后上传"
	msgCorruptPDF   = "PDF 文件已损坏或结构不正确，无法打开，请重新导出后上传"
	msgUnknown      = "文件内容不是 JPG、JPEG 或 PDF（系统按文件内容识别格式，改扩展名无效）"
)

// sniffLen is how much of the head identifies a format: the signatures below all sit in
// the first 12 bytes; http.DetectContentType looks at up to 512.
const sniffLen = 512

// isJPEG and isPDF recognise the two accepted kinds by their signatures.
func isJPEG(head []byte) bool { return bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}) }

func isPDF(head []byte) bool {
	// pdfcpu, like readers, tolerates a byte-order mark or blank bytes before the header.
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	return bytes.HasPrefix(bytes.TrimLeft(head, "\x00\t\n\f\r "), []byte("%PDF-"))
}

// formatName names a recognisable format that is not accepted, in the words an applicant
// knows it by, or "" when the content is not recognised.
func formatName(head []byte) string {
	has := func(sig string) bool { return bytes.HasPrefix(head, []byte(sig)) }
	switch {
	case has("\x89PNG\r\n\x1a\n") || has("\x89PNG"):
		return "PNG 图片"
	case has("GIF87a") || has("GIF89a"):
		return "GIF 图片"
	case len(head) >= 12 && has("RIFF") && string(head[8:12]) == "WEBP":
		return "WebP 图片"
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		switch brand := string(head[8:12]); brand {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return "HEIC/HEIF 图片（苹果手机默认的照片格式）"
		case "avif", "avis":
			return "AVIF 图片"
		default:
			return "视频文件"
		}
	case has("II*\x00") || has("MM\x00*"):
		return "TIFF 图片"
	case has("BM") && len(head) >= 14:
		return "BMP 图片"
	case has("PK\x03\x04"):
		return "ZIP 压缩包或 Word/Excel/OFD 文档"
	case has("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return "旧版 Word/Excel 文档（.doc/.xls）"
	case has("Rar!\x1A\x07"):
		return "RAR 压缩包"
	case has("7z\xBC\xAF\x27\x1C"):
		return "7z 压缩包"
	case has("{\\rtf"):
		return "RTF 文档"
	case has("%!PS"):
		return "PostScript 文件"
	}
	switch ct := http.DetectContentType(head); {
	case strings.HasPrefix(ct, "text/html"), strings.HasPrefix(ct, "text/xml"):
		return "网页文件"
	case strings.HasPrefix(ct, "text/plain"):
		return "文本文件"
	}
	return ""
}

func disguised(name string) string {
	if name[0] < 0x80 { // "这是 PNG 图片", but "这是旧版 Word 文档"
		name = " " + name
	}
	return "这是" + name + "，不是 JPG/JPEG 或 PDF（系统按文件内容识别格式，与扩展名无关）"
}

func disguisedFix(name string) string {
	if strings.Contains(name, "图片") {
		return "请用手机相册或画图工具另存为 JPG 格式后上传，或扫描/导出为 PDF"
	}
	return "请导出或打印为 PDF 后上传（扫描件可保存为 JPG 或 PDF）"
}
