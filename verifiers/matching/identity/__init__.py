"""Claim identity: is a message the same claim as the one retrieved, its contradiction, a
different claim, or no claim at all?

Retrieval finds claims on the same topic; a fact-check bot must answer only with the *same*
claim, because answering a changed claim tells people a wrong status. A message is:
- SAME: it states (or asks about) the claim, in whatever words;
- CONTRADICTS: it states the claim negated, or with another number or date (`stance`);
- DIFFERENT: it changes who did what to whom, how sure or how many ("could" for "will",
  "most" for "a minority"), or asserts what someone said where the claim is the thing said
  (or the reverse);
- NO_CLAIM: a reaction, a request or a bare topic: nothing to check.
Rules, not a model: each one fires only on evidence it can quote back in its reason. The
package wires its parts: what a message asserts (`asserted`), who said it (`attribution`),
who did what to whom (`roles`), how sure and how many (`certainty`), the word lists they
share (`clauses`), the verdict (`judge`) and how likely it is right (`probability`).
"""

from verifiers.matching.identity.asserted import asserted, no_claim
from verifiers.matching.identity.attribution import Attribution, attribution, attribution_label
from verifiers.matching.identity.certainty import modality, quantifier
from verifiers.matching.identity.judge import judge_identity
from verifiers.matching.identity.probability import (
    IDENTITY_FEATURES,
    MODEL_FILE,
    IdentityModel,
    identity_features,
    identity_model,
    identity_probability,
)
from verifiers.matching.identity.verdict import Identity, Verdict

__all__ = [
    "IDENTITY_FEATURES",
    "MODEL_FILE",
    "Attribution",
    "Identity",
    "IdentityModel",
    "Verdict",
    "asserted",
    "attribution",
    "attribution_label",
    "identity_features",
    "identity_model",
    "identity_probability",
    "judge_identity",
    "modality",
    "no_claim",
    "quantifier",
]
