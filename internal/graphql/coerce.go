package graphql

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// coerce turns a handler's result into a value of the operation's return
// type: AWSJSON as a JSON string (AppSync serializes the resolver's value),
// Int, Float, Boolean and string scalars from their JSON forms; a list
// element by element. A built-in handler's {"message": ...} answers a
// String return type with its message.
func coerce(t typeRef, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.List {
		list, ok := v.([]any)
		if !ok {
			//lint:ignore ST1005 AppSync's (graphql-java's) wording, sent to clients as is
			return nil, fmt.Errorf("Can't resolve value (/%s) : type mismatch error, expected type LIST", t.Name)
		}
		out := make([]any, len(list))
		for i, e := range list {
			c, err := coerceScalar(t.Name, e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return coerceScalar(t.Name, v)
}

func coerceScalar(name string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch name {
	case "AWSJSON":
		if s, ok := v.(string); ok && json.Valid([]byte(s)) {
			return s, nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case "Int", "AWSTimestamp":
		f, ok := number(v)
		if !ok || f != math.Trunc(f) {
			//lint:ignore ST1005 AppSync's (graphql-java's) wording, sent to clients as is
			return nil, fmt.Errorf("Can't serialize value : Expected type 'Int' but was '%T'.", v)
		}
		return int64(f), nil
	case "Float":
		f, ok := number(v)
		if !ok {
			//lint:ignore ST1005 AppSync's (graphql-java's) wording, sent to clients as is
			return nil, fmt.Errorf("Can't serialize value : Expected type 'Float' but was '%T'.", v)
		}
		return f, nil
	case "Boolean":
		switch b := v.(type) {
		case bool:
			return b, nil
		case string:
			if p, err := strconv.ParseBool(b); err == nil {
				return p, nil
			}
		}
		//lint:ignore ST1005 AppSync's (graphql-java's) wording, sent to clients as is
		return nil, fmt.Errorf("Can't serialize value : Expected type 'Boolean' but was '%T'.", v)
	default: // String, ID and the string-valued AWS scalars
		switch s := v.(type) {
		case string:
			return s, nil
		case json.Number:
			return s.String(), nil
		case bool, int64, float64, int:
			return fmt.Sprint(s), nil
		case map[string]any:
			if m, ok := s["message"].(string); ok {
				return m, nil
			}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	}
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}
