package pgwire

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// encodeArg formats a query argument as the text the server parses: strings as they are,
// []byte as bytea hex (\x…), integers, floats (NaN, ±Infinity), booleans, time.Time as
// RFC 3339 with nanoseconds, []string as a text array literal, nil (and a nil []string) as
// NULL, and a driver.Valuer by its value.
func encodeArg(a any, depth int) ([]byte, bool, error) {
	switch v := a.(type) {
	case nil:
		return nil, true, nil
	case string:
		return []byte(v), false, nil
	case []byte:
		if v == nil {
			return nil, true, nil
		}
		return append([]byte(`\x`), hex.EncodeToString(v)...), false, nil
	case bool:
		return []byte(strconv.FormatBool(v)), false, nil
	case int:
		return strconv.AppendInt(nil, int64(v), 10), false, nil
	case int8:
		return strconv.AppendInt(nil, int64(v), 10), false, nil
	case int16:
		return strconv.AppendInt(nil, int64(v), 10), false, nil
	case int32:
		return strconv.AppendInt(nil, int64(v), 10), false, nil
	case int64:
		return strconv.AppendInt(nil, v, 10), false, nil
	case uint:
		return strconv.AppendUint(nil, uint64(v), 10), false, nil
	case uint8:
		return strconv.AppendUint(nil, uint64(v), 10), false, nil
	case uint16:
		return strconv.AppendUint(nil, uint64(v), 10), false, nil
	case uint32:
		return strconv.AppendUint(nil, uint64(v), 10), false, nil
	case uint64:
		return strconv.AppendUint(nil, v, 10), false, nil
	case float32:
		return formatFloat(float64(v), 32), false, nil
	case float64:
		return formatFloat(v, 64), false, nil
	case time.Time:
		return []byte(v.Format(time.RFC3339Nano)), false, nil
	case []string:
		if v == nil {
			return nil, true, nil
		}
		return []byte(arrayLiteral(v)), false, nil
	case driver.Valuer:
		if depth > 2 {
			return nil, false, fmt.Errorf("%T: Value returns a Valuer", a)
		}
		dv, err := v.Value()
		if err != nil {
			return nil, false, err
		}
		return encodeArg(dv, depth+1)
	}
	return nil, false, fmt.Errorf("type %T is not supported (give a string, number, bool, time.Time, []byte or []string)", a)
}

func formatFloat(f float64, bits int) []byte {
	switch {
	case math.IsInf(f, 1):
		return []byte("Infinity")
	case math.IsInf(f, -1):
		return []byte("-Infinity")
	case math.IsNaN(f):
		return []byte("NaN")
	}
	return strconv.AppendFloat(nil, f, 'g', -1, bits)
}

// arrayLiteral is {"a","b"} with quotes and backslashes escaped.
func arrayLiteral(v []string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for j := 0; j < len(s); j++ {
			if s[j] == '"' || s[j] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[j])
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}
