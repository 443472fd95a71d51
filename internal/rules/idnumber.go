package rules

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhicheng/internal/model"
)

// IDNumber is a parsed mainland resident identity number (居民身份证号码,
// GB 11643-1999).
type IDNumber struct {
	Number string    // normalised: 18 characters, check character upper-case
	Birth  time.Time // date of birth at UTC midnight; the time of day means nothing
	Male   bool      // from the sequence code: odd is male
	Region string    // the 6-digit administrative division code of first registration
}

const idField = "id_number"

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// isProvince reports whether the first two digits are a code GB/T 2260 allots:
// the 31 mainland provinces, Taiwan (71), Hong Kong (81), Macao (82), residence
// permits for Taiwan residents (83) and permanent residence for foreigners (91).
func isProvince(code string) bool {
	switch code {
	case "11", "12", "13", "14", "15",
		"21", "22", "23",
		"31", "32", "33", "34", "35", "36", "37",
		"41", "42", "43", "44", "45", "46",
		"50", "51", "52", "53", "54",
		"61", "62", "63", "64", "65",
		"71", "81", "82", "83", "91":
		return true
	}
	return false
}

// IDNumberCheckDigit returns the check character ('0'-'9' or 'X') for the first
// 17 digits of an ID number. The demo-data generator uses it to make numbers
// that pass ParseIDNumber.
func IDNumberCheckDigit(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("rules: check digit needs 17 digits, got %d characters", utf8.RuneCountInString(first17))
	}
	// The ISO 7064 MOD 11-2 weights, 2^(17-i) mod 11 for the 0-based position i.
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("rules: check digit needs 17 digits, character %d is not a digit", i+1)
		}
		sum += int(c-'0') * weights[i]
	}
	return idCheckChars[sum%11], nil
}

// ParseIDNumber checks s as an 18-character resident identity number and
// extracts what it encodes. now is the caller's clock: a birth date after now's
// calendar date (in now's location) is refused. Each refusal is a
// *model.Error saying precisely what is wrong, so an applicant can find the
// typo; the expected check character is never shown, as that would turn the
// form into a generator of valid-looking numbers.
func ParseIDNumber(s string, now time.Time) (IDNumber, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n != 18 {
		return IDNumber{}, model.Invalid(idField,
			fmt.Sprintf("身份证号码长度应为18位，实际为%d位", n),
			"请填写18位居民身份证号码（15位旧号码请换用新证号码）")
	}
	if s[17] == 'x' {
		s = s[:17] + "X"
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return IDNumber{}, model.Invalid(idField,
				fmt.Sprintf("身份证号码第%d位应为数字", i+1),
				"前17位只能是数字，请检查是否误输入了字母、空格或全角字符")
		}
	}
	if c := s[17]; (c < '0' || c > '9') && c != 'X' {
		return IDNumber{}, model.Invalid(idField,
			"身份证号码最后一位应为数字或X",
			"最后一位校验码只能是0-9或X")
	}
	if !isProvince(s[:2]) {
		return IDNumber{}, model.Invalid(idField,
			fmt.Sprintf("身份证号码前两位%s不是有效的省级行政区划代码", s[:2]),
			"请核对号码开头的地区码是否抄错")
	}

	birth, err := time.Parse("20060102", s[6:14])
	if err != nil {
		// time.Parse rejects 0230, 1131 and 0229 outside leap years, which is
		// exactly "a real calendar date".
		return IDNumber{}, model.Invalid(idField,
			fmt.Sprintf("身份证号码中的出生日期%s无效，不是真实存在的日期", s[6:14]),
			"第7至14位应为出生年月日（YYYYMMDD），请核对")
	}
	if birth.Year() < 1900 {
		return IDNumber{}, model.Invalid(idField,
			fmt.Sprintf("身份证号码中的出生日期%s无效，年份早于1900年", s[6:14]),
			"第7至14位应为出生年月日（YYYYMMDD），请核对")
	}
	y, m, d := now.Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return IDNumber{}, model.Invalid(idField,
			fmt.Sprintf("身份证号码中的出生日期%s无效，晚于今天", s[6:14]),
			"第7至14位应为出生年月日（YYYYMMDD），请核对")
	}

	want, _ := IDNumberCheckDigit(s[:17]) // the 17 digits were checked above
	if s[17] != want {
		return IDNumber{}, model.Invalid(idField,
			"身份证号码校验码错误，号码与校验位不符",
			"请逐位核对号码，常见原因是某一位抄错或相邻两位颠倒")
	}

	return IDNumber{
		Number: s,
		Birth:  birth,
		Male:   (s[16]-'0')%2 == 1,
		Region: s[:6],
	}, nil
}
