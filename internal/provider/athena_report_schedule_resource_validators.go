package provider

// Plan-time validators of refarch_athena_report_schedule: schedule
// expressions (rate, cron, at), IANA time zones and s3:// locations. The
// schedule expression check is a regexp plus per-field checks, not a full
// parser of EventBridge Scheduler's grammar: it catches the usual mistakes
// (five-field Unix cron, both day fields set, out-of-range values) with a
// message that says what is wrong.

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time.LoadLocation must not depend on the host's zoneinfo

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	_ validator.String = scheduleExpressionValidator{}
	_ validator.String = timezoneValidator{}
	_ validator.String = s3URIValidator{}
)

var (
	rateExprRE = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	cronExprRE = regexp.MustCompile(`^cron\(([^()]*)\)$`)
	atExprRE   = regexp.MustCompile(`^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$`)
)

// validateScheduleExpression returns nil or an error saying what is wrong
// with expr.
func validateScheduleExpression(expr string) error {
	switch {
	case strings.HasPrefix(expr, "rate("):
		m := rateExprRE.FindStringSubmatch(expr)
		if m == nil {
			return fmt.Errorf("%q is not a rate expression of the form rate(<value> <unit>) with unit minute(s), hour(s) or day(s), e.g. rate(1 day) or rate(6 hours)", expr)
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return fmt.Errorf("%q: the rate value must be a positive whole number", expr)
		}
		plural := strings.HasSuffix(m[2], "s")
		if n == 1 && plural {
			return fmt.Errorf("%q: a value of 1 takes the singular unit, e.g. rate(1 %s)", expr, strings.TrimSuffix(m[2], "s"))
		}
		if n > 1 && !plural {
			return fmt.Errorf("%q: a value above 1 takes the plural unit, e.g. rate(%d %ss)", expr, n, m[2])
		}
		return nil
	case strings.HasPrefix(expr, "cron("):
		m := cronExprRE.FindStringSubmatch(expr)
		if m == nil {
			return fmt.Errorf("%q is not a cron expression of the form cron(minutes hours day-of-month month day-of-week year)", expr)
		}
		return validateCronFields(expr, strings.Fields(m[1]))
	case strings.HasPrefix(expr, "at("):
		m := atExprRE.FindStringSubmatch(expr)
		if m == nil {
			return fmt.Errorf("%q is not a one-time expression of the form at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-12-31T23:00:00)", expr)
		}
		if _, err := time.Parse("2006-01-02T15:04:05", m[1]); err != nil {
			return fmt.Errorf("%q: %s is not a valid date and time", expr, m[1])
		}
		return nil
	}
	return fmt.Errorf("%q must be a rate(...), cron(...) or at(...) expression, e.g. rate(1 day), cron(0 6 * * ? *) or at(2026-12-31T23:00:00)", expr)
}

// cronField describes one of the six fields of a Scheduler cron expression.
type cronField struct {
	name     string
	min, max int
	names    []string // JAN..DEC or SUN..SAT, numbered from min
	extra    *regexp.Regexp
}

var cronFields = []cronField{
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, extra: regexp.MustCompile(`^(\?|L|LW|\d{1,2}W)$`)},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 1, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, extra: regexp.MustCompile(`^(\?|L|[1-7]L|[1-7]#[1-5])$`)},
	{name: "year", min: 1970, max: 2199},
}

func validateCronFields(expr string, fields []string) error {
	if len(fields) != 6 {
		return fmt.Errorf("%q has %d fields; a Scheduler cron expression has 6: minutes hours day-of-month month day-of-week year, e.g. cron(0 6 * * ? *) (a Unix cron line has only 5)", expr, len(fields))
	}
	for i, f := range fields {
		if err := cronFields[i].check(f); err != nil {
			return fmt.Errorf("%q: %s field %q: %v", expr, cronFields[i].name, f, err)
		}
	}
	dom, dow := fields[2], fields[4]
	if (dom == "?") == (dow == "?") {
		return fmt.Errorf("%q: exactly one of day-of-month (%q) and day-of-week (%q) must be ?, e.g. cron(0 6 * * ? *) or cron(0 6 ? * MON *)", expr, dom, dow)
	}
	return nil
}

// valid reports whether s is one of the field's names or a number in its range.
func (c cronField) valid(s string) bool {
	for _, n := range c.names {
		if strings.EqualFold(s, n) {
			return true
		}
	}
	v, err := strconv.Atoi(s)
	return err == nil && v >= c.min && v <= c.max
}

func (c cronField) check(f string) error {
	if c.extra != nil && c.extra.MatchString(f) {
		if f == "?" {
			return nil
		}
		// L, LW, 15W, 6L, 2#3: check the number in it, if any.
		num := strings.TrimRight(strings.SplitN(f, "#", 2)[0], "LW")
		if num == "" {
			return nil
		}
		if !c.valid(num) {
			return fmt.Errorf("%s is outside %d-%d", num, c.min, c.max)
		}
		return nil
	}
	for _, part := range strings.Split(f, ",") {
		base, step, hasStep := strings.Cut(part, "/")
		if hasStep {
			if n, err := strconv.Atoi(step); err != nil || n < 1 {
				return fmt.Errorf("the increment %q must be a positive whole number", step)
			}
		}
		switch {
		case base == "*":
		case strings.Contains(base, "-"):
			lo, hi, _ := strings.Cut(base, "-")
			if !c.valid(lo) || !c.valid(hi) {
				return fmt.Errorf("the range %q must be within %d-%d%s", base, c.min, c.max, c.nameHint())
			}
		default:
			if !c.valid(base) {
				return fmt.Errorf("%q is not a value within %d-%d%s", base, c.min, c.max, c.nameHint())
			}
		}
	}
	return nil
}

func (c cronField) nameHint() string {
	if len(c.names) == 0 {
		return ""
	}
	return " or " + c.names[0] + "-" + c.names[len(c.names)-1]
}

// validateTimezone accepts IANA time zone names such as Europe/Paris.
func validateTimezone(tz string) error {
	if tz == "" || tz == "Local" {
		return fmt.Errorf("%q is not an IANA time zone name such as Europe/Paris or UTC", tz)
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Errorf("%q is not an IANA time zone name such as Europe/Paris or UTC", tz)
	}
	return nil
}

var (
	s3URIRE    = regexp.MustCompile(`^s3://([^/]*)/(.*)$`)
	s3BucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// validateS3Prefix accepts s3://bucket/ and s3://bucket/some/prefix/.
func validateS3Prefix(uri string) error {
	m := s3URIRE.FindStringSubmatch(uri)
	if m == nil {
		return fmt.Errorf("%q must be an S3 location of the form s3://bucket/prefix/", uri)
	}
	bucket, prefix := m[1], m[2]
	switch {
	case !s3BucketRE.MatchString(bucket):
		return fmt.Errorf("%q: bucket name %q must be 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit", uri, bucket)
	case strings.Contains(bucket, ".."):
		return fmt.Errorf("%q: bucket name %q must not contain two adjacent dots", uri, bucket)
	case net.ParseIP(bucket) != nil:
		return fmt.Errorf("%q: bucket name %q must not be an IP address", uri, bucket)
	case strings.HasPrefix(bucket, "xn--") || strings.HasPrefix(bucket, "sthree-"):
		return fmt.Errorf("%q: bucket name %q must not start with xn-- or sthree-", uri, bucket)
	case strings.HasSuffix(bucket, "-s3alias") || strings.HasSuffix(bucket, "--ol-s3"):
		return fmt.Errorf("%q: bucket name %q must not end with -s3alias or --ol-s3", uri, bucket)
	case prefix != "" && !strings.HasSuffix(prefix, "/"):
		return fmt.Errorf("%q must end with a slash: it names a folder (prefix), e.g. %q", uri, uri+"/")
	case strings.Contains(prefix, "//"):
		return fmt.Errorf("%q: the prefix must not contain an empty path segment (//)", uri)
	}
	return nil
}

// funcValidator adapts a func(string) error to a string validator.
type funcValidator struct {
	summary, desc string
	check         func(string) error
}

func (v funcValidator) Description(context.Context) string         { return v.desc }
func (v funcValidator) MarkdownDescription(context.Context) string { return v.desc }

func (v funcValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("Attribute %s: %v.", req.Path, err))
	}
}

type scheduleExpressionValidator struct{ funcValidator }
type timezoneValidator struct{ funcValidator }
type s3URIValidator struct{ funcValidator }

func newScheduleExpressionValidator() scheduleExpressionValidator {
	return scheduleExpressionValidator{funcValidator{"Invalid schedule expression",
		"value must be rate(<n> <unit>), cron(<6 fields>) or at(yyyy-mm-ddThh:mm:ss)", validateScheduleExpression}}
}

func newTimezoneValidator() timezoneValidator {
	return timezoneValidator{funcValidator{"Invalid time zone", "value must be an IANA time zone name", validateTimezone}}
}

func newS3URIValidator() s3URIValidator {
	return s3URIValidator{funcValidator{"Invalid S3 location", "value must be s3://bucket/prefix/ (with a trailing slash)", validateS3Prefix}}
}
