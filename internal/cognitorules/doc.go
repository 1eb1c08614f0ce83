// Package cognitorules holds the rules of the Amazon Cognito user-pool model
// that more than one package applies, each written once: the member patterns
// (the botocore cognito-idp model's regular expressions, displayed exactly as
// the model spells them), the shapes of pool and app-client ids, the
// ExplicitAuthFlows sets (legacy and ALLOW_ values), and the text of AWS's
// Coral validation messages ("1 validation error detected: Value '100' at
// 'limit' failed to satisfy constraint: Member must have value less than or
// equal to 60").
//
// Why a package of its own: the rules are needed by the domain
// (internal/userpool), by every face (internal/cognitoidp,
// internal/adminqueries, the faces to come) and by configuration validation
// (internal/config). Kept in the domain, config and the rule tables would
// pull in the store and the whole domain just to match an id; kept in a
// face, the domain and the other faces would import a face. A leaf that
// imports only the standard library can be imported by all of them, and a
// change to a rule (or to the wording of a message, which clients match on)
// happens in one place.
//
// Depends on: the standard library only (regexp, unicode/utf8). The arch
// test keeps it a leaf.
package cognitorules
