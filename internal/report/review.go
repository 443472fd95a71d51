package report

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/rules"
	"zhicheng/internal/service"
)

// ContentType is the media type of an .xlsx workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// MaxRows caps an export.
const MaxRows = 100000

// ReviewHeaders are the columns of a reviewer's list: the applicant's name, never an ID
// number or a phone (R-PUB-02, R-SEC-01).
var ReviewHeaders = []string{"申报编号", "姓名", "单位", "评审计划", "级别", "专业", "类型", "有效范围", "状态", "公示截止", "部门退回次数", "更新时间"}

// ReviewRows pages through list with the filter until the last page (or MaxRows) and returns
// every row as the cells of ReviewHeaders; planNames names the plans by id.
func ReviewRows(ctx context.Context, list func(context.Context, service.ReviewFilter) (service.ReviewPage, error), f service.ReviewFilter, planNames map[int64]string) ([][]string, error) {
	f.Limit, f.After = 200, nil
	var out [][]string
	for len(out) < MaxRows {
		page, err := list(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Rows {
			if len(out) >= MaxRows {
				break
			}
			out = append(out, []string{strconv.FormatInt(r.ID, 10), r.ApplicantName, r.OrgName, planNames[r.PlanID], r.LevelName,
				r.Specialty, r.AppType.Label(), r.Scope.Label(), r.StatusLabel, endText(r.PublicityEnd), strconv.Itoa(r.DeptReturns), timeText(r.Updated)})
		}
		if page.Next == nil {
			break
		}
		f.After = page.Next
	}
	return out, nil
}

func endText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return rules.FormatEnd(t)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(rules.Shanghai()).Format("2006-01-02 15:04")
}

// Filename is "<title>_<Shanghai date>.xlsx".
func Filename(title string, now time.Time) string {
	return title + "_" + now.In(rules.Shanghai()).Format("20060102") + ".xlsx"
}

// Serve writes the workbook as a download named filename: an ASCII fallback and the
// Chinese name as RFC 5987 filename*.
func Serve(w http.ResponseWriter, filename, sheet string, headers []string, rows [][]string) error {
	var b bytes.Buffer
	if err := Write(&b, sheet, headers, rows); err != nil {
		return err
	}
	fallback := mime.FormatMediaType("attachment", map[string]string{"filename": asciiName(filename)})
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Disposition", fallback+"; filename*=UTF-8''"+url.PathEscape(filename))
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(b.Bytes())
	return err
}

// asciiName keeps the printable ASCII of name: "export_20240101.xlsx" for
// "单位审核推荐_20240101.xlsx".
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 0x7f && r > 0x20 && r != '"' && r != '\\' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] >= '0' && s[0] <= '9') {
		s = "export" + s
	}
	return s
}
