package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// FromYAML turns one rule, as decoded YAML, into a validated Rule. Keys are
// spelt as in the admin API's JSON (operationId, delayMs, …); unknown keys
// are errors. where names the rule in errors ("default.yaml:42").
func FromYAML(n *yaml.Node, where string) (Rule, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return Rule{}, fmt.Errorf("%s: %w", where, err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return Rule{}, fmt.Errorf("%s: %w", where, err)
	}
	r, err := FromJSON(raw)
	if err != nil {
		return Rule{}, fmt.Errorf("%s: %w", where, err)
	}
	return r, nil
}

// FromJSON decodes and validates one rule; unknown keys are errors.
func FromJSON(raw []byte) (Rule, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var r Rule
	if err := dec.Decode(&r); err != nil {
		return Rule{}, fmt.Errorf("fault rule: %w", err)
	}
	if r.ID != "" || r.Applied != 0 || r.Remaining != nil || r.ExpiresAt != nil {
		return Rule{}, fmt.Errorf("fault rule: id, applied, remaining and expiresAt are set by the mock")
	}
	if err := r.Validate(); err != nil {
		return Rule{}, fmt.Errorf("fault rule: %w", err)
	}
	return r, nil
}

// ParseFile reads a --faults file: a YAML (or JSON) list of rules, or an
// object with a "faults" list. Errors name the file and the rule's line.
func ParseFile(path string) ([]Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	list := doc.Content[0]
	if list.Kind == yaml.MappingNode {
		list = nil
		for i := 0; i+1 < len(doc.Content[0].Content); i += 2 {
			if doc.Content[0].Content[i].Value == "faults" {
				list = doc.Content[0].Content[i+1]
			}
		}
		if list == nil {
			return nil, fmt.Errorf("%s: expected a list of fault rules or an object with \"faults\"", name)
		}
	}
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: expected a list of fault rules", name, list.Line)
	}
	rules := make([]Rule, 0, len(list.Content))
	for _, n := range list.Content {
		r, err := FromYAML(n, fmt.Sprintf("%s:%d", name, n.Line))
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}
