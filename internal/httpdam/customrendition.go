package httpdam

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

// CustomParams are the query parameters of a custom rendition
// (dam.CustomRendition), in the order error messages list them.
var CustomParams = []string{"w", "h", "fit", "format", "quality", "dpi", "colorspace"}

// maxParamLen bounds one parameter's value: no valid one is longer.
const maxParamLen = 16

// Profile reads what a download or preview asks for from its query: the
// export profile named by profile, or, when any of CustomParams is
// present, a custom rendition's reference (dam.CustomRendition.Ref). Each
// parameter may be given once; numbers are decimal digits (leading zeros
// allowed: w=0100 is w=100); an empty one counts as absent, as a form's
// blank field sends it. The error is Invalid, naming the parameter.
func Profile(q url.Values) (string, error) {
	const op = "httpdam.Profile"
	var c dam.CustomRendition
	custom := false
	for _, k := range append([]string{"profile"}, CustomParams...) {
		vs, ok := q[k]
		if !ok {
			continue
		}
		if len(vs) > 1 {
			return "", dam.E(op, dam.Invalid, "%s is given %d times: give it once", k, len(vs))
		}
		v := vs[0]
		if k == "profile" || v == "" {
			continue // a blank field of a form is no parameter
		}
		custom = true
		if len(v) > maxParamLen {
			return "", dam.E(op, dam.Invalid, "%s is too long (%d bytes)", k, len(v))
		}
		var err error
		switch k {
		case "w":
			c.Width, err = number(op, k, v, rendition.MaxDimension)
		case "h":
			c.Height, err = number(op, k, v, rendition.MaxDimension)
		case "quality":
			c.Quality, err = number(op, k, v, 100)
		case "dpi":
			c.DPI, err = number(op, k, v, rendition.MaxDPI)
		case "fit":
			c.Fit = rendition.Fit(strings.ToLower(v))
		case "format":
			c.Format = rendition.Format(strings.ToLower(v))
		case "colorspace":
			c.ColorSpace = strings.ToLower(v)
		}
		if err != nil {
			return "", err
		}
	}
	if !custom {
		return q.Get("profile"), nil
	}
	if q.Get("profile") != "" {
		return "", dam.E(op, dam.Invalid, "ask for a profile or a rendition (%s), not both", strings.Join(CustomParams, ", "))
	}
	return c.Ref()
}

// number reads a positive decimal of at most maxParamLen digits, 1..limit.
func number(op, name, v string, limit int) (int, error) {
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, dam.E(op, dam.Invalid, "%s must be a whole number 1..%d (got %.16q)", name, limit, v)
		}
		if n = n*10 + int(v[i]-'0'); n > limit {
			return 0, dam.E(op, dam.Invalid, "%s must be 1..%d (got %.16s)", name, limit, v)
		}
	}
	if v == "" || n == 0 {
		return 0, dam.E(op, dam.Invalid, "%s must be 1..%d (got %.16q)", name, limit, v)
	}
	return n, nil
}

// Version reads a download's version parameter (0: the current one). A
// version with an export profile or a custom rendition is refused, not
// ignored: renditions are made of the current version.
func Version(q url.Values, profile string) (int, error) {
	v := q.Get("version")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, dam.E("download", dam.Invalid, "version must be a positive whole number")
	}
	if profile != "" && profile != dam.ProfileOriginal {
		return 0, dam.E("download", dam.Invalid, "renditions are made of the current version: leave out version or the rendition's parameters")
	}
	return n, nil
}
