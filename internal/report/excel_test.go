package report

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestWrite_readBack(t *testing.T) {
	var b bytes.Buffer
	rows := [][]string{{"12", "彭宇航", "甘肃示范能源集团", "2024年度", "高级工程师", "电气", "正常申报", "全省", "已提交", "", "0", "2024-09-12 10:00"}}
	if err := Write(&b, "申报列表", ReviewHeaders, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	defer f.Close()
	got, err := f.GetRows("申报列表")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || strings.Join(got[0], ",") != strings.Join(ReviewHeaders, ",") {
		t.Fatalf("rows = %q", got)
	}
	if v, _ := f.GetCellValue("申报列表", "B2"); v != "彭宇航" {
		t.Errorf("B2 = %q", v)
	}
	if v, _ := f.GetCellValue("申报列表", "A2"); v != "12" {
		t.Errorf("A2 = %q", v)
	}
	panes, err := f.GetPanes("申报列表")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v", panes, err)
	}
	if w, _ := f.GetColWidth("申报列表", "C"); w < 16 {
		t.Errorf("column C width %v", w)
	}
}

func TestServe_headers(t *testing.T) {
	rec := httptest.NewRecorder()
	name := Filename("单位审核推荐", time.Date(2024, 9, 1, 12, 0, 0, 0, time.UTC))
	if err := Serve(rec, name, "申报列表", ReviewHeaders, nil); err != nil {
		t.Fatal(err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != ContentType {
		t.Errorf("content type %q", ct)
	}
	cd := rec.Header().Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename=export_20240901.xlsx; filename*=UTF-8''%E5%8D%95`) {
		t.Errorf("content disposition %q", cd)
	}
}
