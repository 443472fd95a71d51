package chsi_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/chsi"
	"zhicheng/internal/model"
)

func sim() *chsi.Simulated {
	return &chsi.Simulated{Now: func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }}
}

func TestSimulated_generatedRecords(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		no                                  string
		school, major, level, typ, from, to string
		edu                                 model.EduLevel
	}{
		{chsi.DemoBachelor, "兰州大学", "汉语言文学", "本科", "普通高等教育", "2014-09-01", "2018-06-30", model.EduBachelor},
		{chsi.DemoMaster, "西北师范大学", "土木工程", "硕士研究生", "普通高等教育", "2007-09-01", "2010-06-30", model.EduMaster},
		{chsi.DemoAssociate, "兰州理工大学", "人力资源管理", "专科", "成人高等教育", "2013-03-01", "2016-01-15", model.EduAssociate},
		{chsi.DemoDoctorate, "兰州交通大学", "计算机科学与技术", "博士研究生", "普通高等教育", "2011-09-01", "2015-06-30", model.EduDoctorate},
		// Spaces typed inside the number are ignored.
		{"10730 1 2018 05 000123", "兰州大学", "汉语言文学", "本科", "普通高等教育", "2014-09-01", "2018-06-30", model.EduBachelor},
	}
	for _, c := range cases {
		r, err := sim().Lookup(ctx, c.no, "王小明")
		if err != nil {
			t.Fatalf("%s: %v", c.no, err)
		}
		want := chsi.Record{CertificateNo: chsi.Normalize(c.no), Name: "王小明", School: c.school, Major: c.major, Level: c.level,
			Type: c.typ, Enrolled: model.Date(c.from), Graduated: model.Date(c.to), Source: model.CHSISimulated}
		if r != want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.no, r, want)
		}
		if r.EduLevel() != c.edu {
			t.Errorf("%s: level %q maps to %q", c.no, r.Level, r.EduLevel())
		}
		// Deterministic: the same number gives the same record.
		again, _ := sim().Lookup(ctx, c.no, "王小明")
		if again != r {
			t.Errorf("%s: not deterministic", c.no)
		}
	}
}

func TestSimulated_errors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		no, name string
		want     error
	}{
		{chsi.DemoNotFound, "王小明", chsi.ErrNotFound},
		{chsi.DemoUnavailable, "王小明", chsi.ErrUnavailable},
		{chsi.DemoMismatch, "王小明", chsi.ErrMismatch},
		{chsi.DemoBachelor, "", chsi.ErrMismatch},
		{"10730120180500012", "王小明", chsi.ErrNotFound},  // 17 digits
		{"10730120180500012X", "王小明", chsi.ErrNotFound}, // not digits
		{"100011201805000123", "王小明", chsi.ErrNotFound}, // a school the registry does not know
		{"107306201805000123", "王小明", chsi.ErrNotFound}, // self-study: another layout
		{"107301200105000123", "王小明", chsi.ErrNotFound}, // 2001: 17-digit era
		{"107301202705000123", "王小明", chsi.ErrNotFound}, // the future
		{"107301202605000123", "王小明", nil},              // 2026-06-30 is before "today": found
		{"107301201803000123", "王小明", chsi.ErrNotFound}, // level 03
		{"107305201802000123", "王小明", chsi.ErrNotFound}, // a master's degree by adult study
		{"107301201805000000", "王小明", chsi.ErrNotFound}, // serial 000000
	}
	for _, c := range cases {
		_, err := sim().Lookup(ctx, c.no, c.name)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.no, err)
			}
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s %q: %v, want %v", c.no, c.name, err, c.want)
		}
	}
	// The fictitious holder of DemoMismatch gets the record.
	if r, err := sim().Lookup(ctx, chsi.DemoMismatch, chsi.DemoHolder); err != nil || r.Name != chsi.DemoHolder {
		t.Errorf("holder of DemoMismatch: %+v %v", r, err)
	}
	// Not yet graduated: January of the year is past, June of next year is not.
	s := &chsi.Simulated{Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
	if _, err := s.Lookup(ctx, "107301202605000123", "王小明"); !errors.Is(err, chsi.ErrNotFound) {
		t.Errorf("2026-06-30 graduate on 2026-03-01: %v", err)
	}
	if _, err := s.Lookup(ctx, "107305202605000123", "王小明"); err != nil {
		t.Errorf("2026-01-15 graduate on 2026-03-01: %v", err)
	}
	// A cancelled request is unavailable, not "not found".
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := sim().Lookup(cctx, chsi.DemoBachelor, "王小明"); !errors.Is(err, chsi.ErrUnavailable) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestMaskAndYear(t *testing.T) {
	if got := chsi.Mask("107301201805000123"); got != "10730*********0123" {
		t.Errorf("mask: %q", got)
	}
	if got := chsi.Mask("12345"); got != "*****" {
		t.Errorf("mask of a short number: %q", got)
	}
	if y, ok := chsi.YearOf(" 10730 1 2005 05 001234 "); !ok || y != 2005 {
		t.Errorf("year: %d %v", y, ok)
	}
	if _, ok := chsi.YearOf("1073012005050012"); ok {
		t.Error("year of a 16-digit number")
	}
	for level, want := range map[string]model.EduLevel{"本科": model.EduBachelor, "专科（高职）": model.EduAssociate, "硕士研究生": model.EduMaster,
		"博士研究生": model.EduDoctorate, "第二学士学位": model.EduBachelor, "其他": ""} {
		if got := (chsi.Record{Level: level}).EduLevel(); got != want {
			t.Errorf("%s → %q, want %q", level, got, want)
		}
	}
	if !strings.Contains(chsi.DemoHolder, "示例") {
		t.Error("the demo holder must be obviously fictitious")
	}
}
