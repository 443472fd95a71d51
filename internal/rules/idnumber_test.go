package rules

import (
	"strings"
	"testing"
	"time"

	"zhicheng/internal/model"
)

// fixedNow is the clock every case sees, so "future" does not drift.
var fixedNow = time.Date(2024, 6, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// validID completes first17 with its check character, so cases can be written
// as "region + birth + sequence" without hand-computing the last digit.
func validID(t *testing.T, first17 string) string {
	t.Helper()
	c, err := IDNumberCheckDigit(first17)
	if err != nil {
		t.Fatalf("IDNumberCheckDigit(%q): %v", first17, err)
	}
	return first17 + string(c)
}

// wrongCheck returns s with a check character that is certainly wrong.
func wrongCheck(s string) string {
	for _, c := range "0123456789X" {
		if byte(c) != s[17] {
			return s[:17] + string(c)
		}
	}
	panic("unreachable")
}

func TestIDNumberCheckDigit(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
		ok      bool
	}{
		{"11010519491231002", 'X', true}, // the example printed in GB 11643-1999
		{"44052418800101001", '4', true}, // the other example in the standard
		{"00000000000000000", '1', true},
		{"1101051949123100", 0, false},
		{"110105194912310021", 0, false},
		{"1101051949123100a", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.first17, func(t *testing.T) {
			got, err := IDNumberCheckDigit(tt.first17)
			if (err == nil) != tt.ok {
				t.Fatalf("IDNumberCheckDigit(%q) error = %v, want ok=%v", tt.first17, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("IDNumberCheckDigit(%q) = %q, want %q", tt.first17, got, tt.want)
			}
		})
	}
}

func TestParseIDNumber_valid(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		number string
		birth  string
		male   bool
		region string
	}{
		{"published example", "11010519491231002X", "11010519491231002X", "1949-12-31", false, "110105"},
		{"lower-case x normalised", "11010519491231002x", "11010519491231002X", "1949-12-31", false, "110105"},
		{"surrounding spaces", "  11010519491231002X\t", "11010519491231002X", "1949-12-31", false, "110105"},
		{"Gansu, male", validID(t, "62010219900101123"), validID(t, "62010219900101123"), "1990-01-01", true, "620102"},
		{"Feb 29 in a leap year", validID(t, "62010220000229002"), validID(t, "62010220000229002"), "2000-02-29", false, "620102"},
		{"born today", validID(t, "62010220240615001"), validID(t, "62010220240615001"), "2024-06-15", true, "620102"},
		{"born 1900-01-01", validID(t, "31010419000101001"), validID(t, "31010419000101001"), "1900-01-01", true, "310104"},
		{"Hong Kong 81", validID(t, "81000019800101002"), validID(t, "81000019800101002"), "1980-01-01", false, "810000"},
		{"foreigner 91", validID(t, "91000019800101001"), validID(t, "91000019800101001"), "1980-01-01", true, "910000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDNumber(tt.in, fixedNow)
			if err != nil {
				t.Fatalf("ParseIDNumber(%q): %v", tt.in, err)
			}
			want := IDNumber{
				Number: tt.number,
				Birth:  mustDate(t, tt.birth),
				Male:   tt.male,
				Region: tt.region,
			}
			if got != want {
				t.Errorf("ParseIDNumber(%q) = %+v, want %+v", tt.in, got, want)
			}
		})
	}
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseIDNumber_invalid(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		message string // a fragment the Chinese message must contain
	}{
		{"empty", "", "长度应为18位，实际为0位"},
		{"15-digit old number", "110105491231002", "长度应为18位，实际为15位"},
		{"19 digits", "11010519491231002X1", "长度应为18位，实际为19位"},
		{"inner space", "110105 1949123100X", "第7位应为数字"},
		{"letter in body", "1101051949123A002X", "第14位应为数字"},
		{"full-width digit", "１10105194912310021", "第1位应为数字"},
		{"bad last character", "11010519491231002Y", "最后一位应为数字或X"},
		{"non-ASCII last character", "11010519491231002中", "最后一位应为数字或X"},
		{"bad province 00", validID(t, "00010519491231002"), "前两位00不是有效的省级行政区划代码"},
		{"bad province 24", validID(t, "24010519491231002"), "前两位24不是有效的省级行政区划代码"},
		{"bad province 99", validID(t, "99010519491231002"), "前两位99不是有效的省级行政区划代码"},
		{"Feb 29 in a non-leap year", validID(t, "62010219990229002"), "出生日期19990229无效"},
		{"Feb 29 in 1900, not a leap year", validID(t, "62010219000229002"), "出生日期19000229无效"},
		{"month 13", validID(t, "62010219901301002"), "出生日期19901301无效"},
		{"day 00", validID(t, "62010219900100002"), "出生日期19900100无效"},
		{"April 31", validID(t, "62010219900431002"), "出生日期19900431无效"},
		{"before 1900", validID(t, "44052418800101001"), "早于1900年"},
		{"tomorrow", validID(t, "62010220240616001"), "晚于今天"},
		{"next century", validID(t, "62010221000101001"), "晚于今天"},
		{"published example, check digit changed", "110105194912310021", "校验码错误"},
		{"check digit changed", wrongCheck(validID(t, "62010219900101123")), "校验码错误"},
		{"two digits swapped", "11010519491213002X", "校验码错误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIDNumber(tt.in, fixedNow)
			if err == nil {
				t.Fatalf("ParseIDNumber(%q) succeeded, want error", tt.in)
			}
			e, ok := model.AsError(err)
			if !ok {
				t.Fatalf("error %T is not *model.Error: %v", err, err)
			}
			if e.Kind != model.KindInvalid || e.Field != "id_number" {
				t.Errorf("Kind, Field = %q, %q; want invalid, id_number", e.Kind, e.Field)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("Message = %q, want it to contain %q", e.Message, tt.message)
			}
			if e.Fix == "" {
				t.Error("Fix is empty; the applicant needs to know what to change")
			}
		})
	}
}

// The refusal must not give the right check character away: printing it would
// let anyone turn 17 invented digits into a number that passes.
func TestParseIDNumber_checkDigitNotRevealed(t *testing.T) {
	for _, first17 := range []string{"11010519491231002", "62010219900101123", "62010220000229002"} {
		t.Run(first17, func(t *testing.T) {
			good := validID(t, first17)
			_, err := ParseIDNumber(wrongCheck(good), fixedNow)
			e, ok := model.AsError(err)
			if !ok {
				t.Fatalf("want *model.Error, got %v", err)
			}
			text := e.Message + e.Fix
			if strings.ContainsAny(text, "0123456789Xx") {
				t.Errorf("refusal %q mentions a digit or X; it may reveal the check character %q", text, good[17])
			}
		})
	}
}

func TestParseIDNumber_nowLocation(t *testing.T) {
	// 2024-06-15 01:00 in Beijing is still 06-14 in UTC; the caller's
	// calendar date decides, so a number born on the 15th is accepted.
	beijing := time.Date(2024, 6, 15, 1, 0, 0, 0, time.FixedZone("CST", 8*3600))
	id := validID(t, "62010220240615001")
	if _, err := ParseIDNumber(id, beijing); err != nil {
		t.Errorf("born on the caller's today: %v", err)
	}
	if _, err := ParseIDNumber(id, beijing.UTC()); err == nil {
		t.Error("born after the caller's today (UTC): accepted")
	}
}
