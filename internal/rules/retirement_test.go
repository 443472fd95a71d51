package rules

import (
	"strings"
	"testing"
	"time"
)

// The annex tables of 《国务院关于渐进式延迟法定退休年龄的办法》, row by row at the edges.
func TestR_ELG_02_statutoryAge(t *testing.T) {
	tests := []struct {
		name          string
		birth         time.Time
		male, worker  bool
		years, months int
	}{
		// men: 60 → 63, +1 month per 4 birth months from 1965-01
		{"man 1964-12 keeps 60", elgDate(1964, 12, 31), true, false, 60, 0},
		{"man 1965-01 first step", elgDate(1965, 1, 1), true, false, 60, 1},
		{"man 1965-04 still first step", elgDate(1965, 4, 30), true, false, 60, 1},
		{"man 1965-05 second step", elgDate(1965, 5, 1), true, false, 60, 2},
		{"man 1965-09 third step", elgDate(1965, 9, 1), true, false, 60, 3},
		{"man 1966-01", elgDate(1966, 1, 1), true, false, 60, 4},
		{"man 1970-01", elgDate(1970, 1, 1), true, false, 61, 4},
		{"man 1976-08 one short of cap", elgDate(1976, 8, 31), true, false, 62, 11},
		{"man 1976-09 cap", elgDate(1976, 9, 1), true, false, 63, 0},
		{"man 1990 cap", elgDate(1990, 6, 1), true, false, 63, 0},
		{"worker flag ignored for men", elgDate(1965, 1, 1), true, true, 60, 1},
		// women with original age 55: 55 → 58 from 1970-01
		{"woman55 1969-12 keeps 55", elgDate(1969, 12, 31), false, false, 55, 0},
		{"woman55 1970-01", elgDate(1970, 1, 1), false, false, 55, 1},
		{"woman55 1970-05", elgDate(1970, 5, 1), false, false, 55, 2},
		{"woman55 1981-08", elgDate(1981, 8, 1), false, false, 57, 11},
		{"woman55 1981-09 cap", elgDate(1981, 9, 1), false, false, 58, 0},
		{"woman55 1995 cap", elgDate(1995, 1, 1), false, false, 58, 0},
		// women with original age 50: 50 → 55, +1 month per 2 birth months from 1975-01
		{"woman50 1974-12 keeps 50", elgDate(1974, 12, 31), false, true, 50, 0},
		{"woman50 1975-01", elgDate(1975, 1, 1), false, true, 50, 1},
		{"woman50 1975-02", elgDate(1975, 2, 28), false, true, 50, 1},
		{"woman50 1975-03", elgDate(1975, 3, 1), false, true, 50, 2},
		{"woman50 1984-10", elgDate(1984, 10, 1), false, true, 54, 11},
		{"woman50 1984-11 cap", elgDate(1984, 11, 1), false, true, 55, 0},
		{"woman50 2000 cap", elgDate(2000, 1, 1), false, true, 55, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, m := StatutoryRetirementAge(tt.birth, tt.male, tt.worker)
			if y != tt.years || m != tt.months {
				t.Errorf("StatutoryRetirementAge(%s) = %dy%dm, want %dy%dm", elgFmtDay(tt.birth), y, m, tt.years, tt.months)
			}
		})
	}
}

func TestR_ELG_02_retirementDate(t *testing.T) {
	tests := []struct {
		name         string
		birth        time.Time
		male, worker bool
		want         time.Time
	}{
		{"man reaches 60 on 2024-12-31", elgDate(1964, 12, 31), true, false, elgDate(2024, 12, 31)},
		{"man reaches 60y1m on 2025-02-01", elgDate(1965, 1, 1), true, false, elgDate(2025, 2, 1)},
		{"31st into February: month end", elgDate(1965, 1, 31), true, false, elgDate(2025, 2, 28)},
		{"table: 1965-05 → 2025-07", elgDate(1965, 5, 15), true, false, elgDate(2025, 7, 15)},
		{"man at cap", elgDate(1976, 9, 10), true, false, elgDate(2039, 9, 10)},
		{"woman55 old rule", elgDate(1969, 12, 31), false, false, elgDate(2024, 12, 31)},
		{"woman55 1970-01-01", elgDate(1970, 1, 1), false, false, elgDate(2025, 2, 1)},
		{"woman50 1975-01-15", elgDate(1975, 1, 15), false, true, elgDate(2025, 2, 15)},
		{"woman50 cap 1984-11", elgDate(1984, 11, 30), false, true, elgDate(2039, 11, 30)},
		{"leap day, no delay", elgDate(1964, 2, 29), true, false, elgDate(2024, 2, 29)},
		{"time of day and zone ignored", time.Date(1965, 1, 1, 23, 30, 0, 0, time.FixedZone("CST", 8*3600)), true, false, elgDate(2025, 2, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RetirementDate(tt.birth, tt.male, tt.worker); !got.Equal(tt.want) {
				t.Errorf("RetirementDate = %s, want %s", elgFmtDay(got), elgFmtDay(tt.want))
			}
		})
	}
}

// The boundary: the birthday that makes someone reach retirement age on 12-31 vs 01-01.
func TestR_ELG_02_yearEndBoundary(t *testing.T) {
	tests := []struct {
		name         string
		birth        time.Time
		male, worker bool
		year         int
		refused      bool
	}{
		{"man 1964-12-31 reaches 60 on 2024-12-31: refused for 2024", elgDate(1964, 12, 31), true, false, 2024, true},
		{"man 1964-12-31: allowed for 2023", elgDate(1964, 12, 31), true, false, 2023, false},
		{"man 1965-01-01 reaches 60y1m on 2025-02-01: allowed for 2024", elgDate(1965, 1, 1), true, false, 2024, false},
		{"man 1965-01-01: refused for 2025", elgDate(1965, 1, 1), true, false, 2025, true},
		{"man 1964-11-30 reached 60 on 2024-11-30: refused for 2025 too", elgDate(1964, 11, 30), true, false, 2025, true},
		{"man 1965-11-01 reaches 60y3m on 2026-02-01: allowed for 2025", elgDate(1965, 11, 1), true, false, 2025, false},
		{"man 1965-10-31 reaches 60y3m on 2026-01-31: allowed for 2025", elgDate(1965, 10, 31), true, false, 2025, false},
		{"man 1965-08-01 reaches 60y2m on 2025-10-01: refused for 2025", elgDate(1965, 8, 1), true, false, 2025, true},
		{"woman55 1969-12-31 reaches 55 on 2024-12-31: refused for 2024", elgDate(1969, 12, 31), false, false, 2024, true},
		{"woman55 1970-01-01 reaches 55y1m on 2025-02-01: allowed for 2024", elgDate(1970, 1, 1), false, false, 2024, false},
		{"woman50 1974-12-31 reaches 50 on 2024-12-31: refused for 2024", elgDate(1974, 12, 31), false, true, 2024, true},
		{"woman50 1975-11-01 reaches 50y6m on 2026-05-01: allowed for 2025", elgDate(1975, 11, 1), false, true, 2025, false},
		{"same woman as cadre (55) allowed", elgDate(1974, 12, 31), false, false, 2024, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReachesRetirementIn(tt.birth, tt.male, tt.worker, tt.year); got != tt.refused {
				t.Errorf("ReachesRetirementIn(%s, %d) = %v, want %v (retirement date %s)",
					elgFmtDay(tt.birth), tt.year, got, tt.refused, elgFmtDay(RetirementDate(tt.birth, tt.male, tt.worker)))
			}
			e := CheckRetirement(Profile{Birth: tt.birth, Male: tt.male, FemaleWorker: tt.worker}, tt.year)
			if (e != nil) != tt.refused {
				t.Fatalf("CheckRetirement refused = %v, want %v", e != nil, tt.refused)
			}
			if e != nil {
				wantDate := elgFmtDay(RetirementDate(tt.birth, tt.male, tt.worker))
				if e.Rule != "R-ELG-02" || !strings.Contains(e.Message, wantDate) || e.Fix == "" {
					t.Errorf("finding = %+v, want R-ELG-02 naming %s with a fix", e, wantDate)
				}
			}
		})
	}
}

func TestR_ELG_02_checkRetirement(t *testing.T) {
	young := elgDate(1985, 3, 1)
	if e := CheckRetirement(Profile{Birth: young, Male: true}, 2024); e != nil {
		t.Errorf("young applicant refused: %v", e)
	}
	e := CheckRetirement(Profile{Birth: young, Male: true, Retired: true}, 2024)
	if e == nil || e.Rule != "R-ELG-02" || e.Field != "retired" || e.Fix == "" {
		t.Errorf("retired: got %+v", e)
	}
	e = CheckRetirement(Profile{Male: true}, 2024)
	if e == nil || e.Rule != "R-ELG-02" || e.Field != "birth" {
		t.Errorf("no birth date: got %+v", e)
	}
	e = CheckRetirement(Profile{Birth: elgDate(1965, 1, 1), Male: true}, 2025)
	if e == nil || !strings.Contains(e.Message, "60 周岁 1 个月") || !strings.Contains(e.Message, "将于 2025-02-01") {
		t.Errorf("message should name the age and date: %+v", e)
	}
	e = CheckRetirement(Profile{Birth: elgDate(1960, 5, 1), Male: true}, 2024)
	if e == nil || !strings.Contains(e.Message, "已于 2020-05-01") {
		t.Errorf("already past retirement: %+v", e)
	}
}
