package chsi

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"zhicheng/internal/model"
)

// Simulated is a made-up registry for the demo and the tests. It holds no real person's
// data: every record is generated from the certificate number alone, and the holder's name
// is the name the caller gives. It therefore "verifies" any well-formed number for anyone,
// and must never stand in for the real service in production (cmd/zhicheng warns).
//
// Certificate numbers follow the national layout of regular and adult higher-education
// graduation certificates (毕（结）业证书编号, 18 digits since 2002):
//
//	SSSSS T YYYY LL NNNNNN
//	10730 1 2018 05 000123   兰州大学, 普通高等教育, 2018, 本科, serial 123
//
//	SSSSS   the school's national code (学校标识码 without the 4162 prefix); the simulation
//	        knows four Gansu universities: 10730 兰州大学, 10731 兰州理工大学,
//	        10732 兰州交通大学, 10736 西北师范大学 — any other code is ErrNotFound
//	T       the kind of study (办学类型): 1 普通高等教育, 5 成人高等教育, 7 网络教育
//	        (6, self-study, uses another layout and is not simulated)
//	YYYY    the graduation year, 2002 to this year (older numbers had 17 digits)
//	LL      the level (培养层次): 01 博士研究生, 02 硕士研究生, 05 本科, 06 专科;
//	        01 and 02 only with T = 1
//	NNNNNN  the school's serial, not 000000
//
// The generated record: graduated on YYYY-06-30 (T = 1) or YYYY-01-15 (T = 5, 7), enrolled
// 3 (02, 06) or 4 (01, 05) years earlier, a major chosen from a short list by the serial,
// no ID number. A certificate dated after today does not exist yet.
//
// Fixed numbers demonstrate the applicant's fallbacks: DemoNotFound is not registered,
// DemoUnavailable makes the service time out, and DemoMismatch is registered to the
// fictitious holder DemoHolder, so anyone else gets ErrMismatch.
type Simulated struct {
	// Now is the registry's today; nil means time.Now.
	Now func() time.Time
}

// NewSimulated returns the simulated registry.
func NewSimulated() *Simulated { return &Simulated{} }

// Numbers for the demo and tests (all fictitious).
const (
	DemoBachelor  = "107301201805000123" // 兰州大学 本科 普通高等教育 2018
	DemoMaster    = "107361201002000057" // 西北师范大学 硕士研究生 2010
	DemoAssociate = "107315201606001024" // 兰州理工大学 专科 成人高等教育 2016
	DemoDoctorate = "107321201501000008" // 兰州交通大学 博士研究生 2015

	DemoNotFound    = "107301201805000404" // well formed, not registered: ErrNotFound
	DemoUnavailable = "107301201805000503" // the registry "times out": ErrUnavailable
	DemoMismatch    = "107321201505000409" // registered to DemoHolder: ErrMismatch for anyone else
	DemoHolder      = "示例持证人"              // the fictitious holder of DemoMismatch
)

var simSchools = map[string]string{
	"10730": "兰州大学",
	"10731": "兰州理工大学",
	"10732": "兰州交通大学",
	"10736": "西北师范大学",
}

var simTypes = map[byte]string{'1': "普通高等教育", '5': "成人高等教育", '7': "网络教育"}

var simLevels = map[string]struct {
	name  string
	years int
}{
	"01": {"博士研究生", 4},
	"02": {"硕士研究生", 3},
	"05": {"本科", 4},
	"06": {"专科", 3},
}

var (
	simMajors          = []string{"计算机科学与技术", "土木工程", "会计学", "汉语言文学", "机械设计制造及其自动化", "交通运输", "人力资源管理", "化学"}
	simAssociateMajors = []string{"计算机应用技术", "建筑工程技术", "会计", "机电一体化技术", "人力资源管理", "铁道交通运营管理"}
)

// Lookup returns the generated record of a well-formed number, held by name.
func (s *Simulated) Lookup(ctx context.Context, certificateNo, name string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	no := Normalize(certificateNo)
	switch no {
	case DemoNotFound:
		return Record{}, fmt.Errorf("%w: %s (simulated)", ErrNotFound, Mask(no))
	case DemoUnavailable:
		return Record{}, fmt.Errorf("%w: simulated timeout", ErrUnavailable)
	}
	r, err := s.generate(no)
	if err != nil {
		return Record{}, err
	}
	holder := name
	if no == DemoMismatch {
		holder = DemoHolder
	}
	if name == "" || name != holder {
		return Record{}, fmt.Errorf("%w: %s (simulated)", ErrMismatch, Mask(no))
	}
	r.Name = holder
	r.Source = model.CHSISimulated
	return r, nil
}

func (s *Simulated) today() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// generate builds the record of a number, or ErrNotFound saying which part is wrong.
func (s *Simulated) generate(no string) (Record, error) {
	notFound := func(why string) (Record, error) {
		return Record{}, fmt.Errorf("%w: %s: %s", ErrNotFound, Mask(no), why)
	}
	if len(no) != 18 || !allDigits(no) {
		return notFound("not 18 digits")
	}
	school, ok := simSchools[no[:5]]
	if !ok {
		return notFound("school code not in the simulated registry")
	}
	typ, ok := simTypes[no[5]]
	if !ok {
		return notFound("unknown kind of study")
	}
	year, _ := strconv.Atoi(no[6:10])
	today := s.today()
	if year < 2002 || year > today.Year() {
		return notFound("year out of range")
	}
	lv, ok := simLevels[no[10:12]]
	graduate := no[10:12] == "01" || no[10:12] == "02"
	if !ok || (graduate && no[5] != '1') {
		return notFound("unknown level, or a graduate level outside regular study")
	}
	serial, _ := strconv.Atoi(no[12:])
	if serial == 0 {
		return notFound("serial 000000")
	}
	graduated := time.Date(year, time.June, 30, 0, 0, 0, 0, time.UTC)
	enrolled := time.Date(year-lv.years, time.September, 1, 0, 0, 0, 0, time.UTC)
	if no[5] != '1' {
		graduated = time.Date(year, time.January, 15, 0, 0, 0, 0, time.UTC)
		enrolled = time.Date(year-lv.years, time.March, 1, 0, 0, 0, 0, time.UTC)
	}
	if graduated.After(today) {
		return notFound("not graduated yet")
	}
	majors := simMajors
	if no[10:12] == "06" {
		majors = simAssociateMajors
	}
	return Record{
		CertificateNo: no,
		School:        school,
		Major:         majors[serial%len(majors)],
		Level:         lv.name,
		Type:          typ,
		Enrolled:      model.Date(enrolled.Format(time.DateOnly)),
		Graduated:     model.Date(graduated.Format(time.DateOnly)),
	}, nil
}
