/**
 * Which rule of a synthesized AWS::WAFv2::WebACL would block a request for the size of its body, modelled
 * from the AWS WAF documentation. Rules that do not look at the body's size (rate limits, the managed
 * groups' pattern rules) are assumed not to match: this answers "is it blocked for being large?".
 * A statement or managed group the model does not know fails loudly rather than passing unseen.
 */

export interface WafRequest {
  method: string;
  uriPath: string;
  bodyBytes: number;
}

type Json = Record<string, unknown>;

/**
 * Body-size rules of the managed groups the stack uses: the core rule set blocks bodies over 8 KB
 * (SizeRestrictions_BODY); known bad inputs has none
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html).
 */
const MANAGED_BODY_SIZE_RULES: Record<string, { rule: string; maxBodyBytes: number }[]> = {
  AWSManagedRulesCommonRuleSet: [{ rule: 'SizeRestrictions_BODY', maxBodyBytes: 8192 }],
  AWSManagedRulesKnownBadInputsRuleSet: [],
};

/**
 * API Gateway forwards WAF the first 16 KB of a body unless the web ACL's AssociationConfig raises it
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-oversize-request-components.html).
 */
function inspectionLimit(acl: Json): number {
  const config = acl.AssociationConfig as
    { RequestBody?: Record<string, { DefaultSizeInspectionLimit: string }> } | undefined;
  const limit = config?.RequestBody?.API_GATEWAY?.DefaultSizeInspectionLimit;
  return limit ? Number(limit.replace('KB_', '')) * 1024 : 16 * 1024;
}

/** The first rule, in priority order, that blocks the request for its body size, or undefined. */
export function bodySizeBlock(acl: Json, request: WafRequest): string | undefined {
  const limit = inspectionLimit(acl);
  const rules = [...(acl.Rules as Json[])].sort((a, b) => (a.Priority as number) - (b.Priority as number));
  for (const rule of rules) {
    const name = rule.Name as string;
    const statement = rule.Statement as Json;
    const group = statement.ManagedRuleGroupStatement as Json | undefined;
    if (group) {
      const verdict = managedGroupVerdict(group, rule, request, limit);
      if (verdict) return `${name}/${verdict}`;
      continue;
    }
    if (!inspectsBodySize(statement)) continue;
    const action = Object.keys(rule.Action as Json)[0];
    if (!matches(statement, request, limit)) continue;
    if (action === 'Block') return name;
    if (action === 'Allow') return undefined;
  }
  return undefined;
}

function managedGroupVerdict(
  group: Json,
  rule: Json,
  request: WafRequest,
  limit: number,
): string | undefined {
  const groupName = group.Name as string;
  const sizeRules = MANAGED_BODY_SIZE_RULES[groupName];
  if (!sizeRules) throw new Error(`managed rule group ${groupName} is not modelled: add its body-size rules`);
  if (rule.OverrideAction && Object.keys(rule.OverrideAction as Json)[0] === 'Count') return undefined;
  if (group.ScopeDownStatement && !matches(group.ScopeDownStatement as Json, request, limit))
    return undefined;
  const overrides = (group.RuleActionOverrides as { Name: string; ActionToUse: Json }[] | undefined) ?? [];
  const excluded = (group.ExcludedRules as { Name: string }[] | undefined) ?? [];
  for (const { rule: ruleName, maxBodyBytes } of sizeRules) {
    if (request.bodyBytes <= maxBodyBytes) continue;
    const override = overrides.find((o) => o.Name === ruleName);
    const action = override ? Object.keys(override.ActionToUse)[0] : 'Block';
    if (excluded.some((e) => e.Name === ruleName) || action === 'Count') continue;
    if (action === 'Block') return `${ruleName} (bodies over ${maxBodyBytes} bytes)`;
  }
  return undefined;
}

function inspectsBodySize(statement: Json): boolean {
  return JSON.stringify(statement).includes('"SizeConstraintStatement"');
}

function matches(statement: Json, request: WafRequest, limit: number): boolean {
  const [kind, body] = Object.entries(statement)[0] as [string, Json];
  switch (kind) {
    case 'AndStatement':
      return (body.Statements as Json[]).every((s) => matches(s, request, limit));
    case 'OrStatement':
      return (body.Statements as Json[]).some((s) => matches(s, request, limit));
    case 'NotStatement':
      return !matches(body.Statement as Json, request, limit);
    case 'ByteMatchStatement':
      return byteMatch(body, request);
    case 'SizeConstraintStatement':
      return sizeConstraint(body, request, limit);
    default:
      throw new Error(`WAF statement ${kind} is not modelled`);
  }
}

function fieldValue(field: Json, request: WafRequest): string {
  if ('Method' in field) return request.method;
  if ('UriPath' in field) return request.uriPath;
  throw new Error(`field to match ${JSON.stringify(field)} is not modelled`);
}

function transform(value: string, transformations: { Type: string }[]): string {
  return transformations.reduce((v, { Type }) => {
    if (Type === 'NONE') return v;
    if (Type === 'LOWERCASE') return v.toLowerCase();
    throw new Error(`text transformation ${Type} is not modelled`);
  }, value);
}

function byteMatch(body: Json, request: WafRequest): boolean {
  const value = transform(
    fieldValue(body.FieldToMatch as Json, request),
    body.TextTransformations as { Type: string }[],
  );
  const search = body.SearchString as string;
  switch (body.PositionalConstraint) {
    case 'EXACTLY':
      return value === search;
    case 'STARTS_WITH':
      return value.startsWith(search);
    case 'ENDS_WITH':
      return value.endsWith(search);
    case 'CONTAINS':
      return value.includes(search);
    default:
      throw new Error(`positional constraint ${String(body.PositionalConstraint)} is not modelled`);
  }
}

/** Oversize handling decides for a body beyond what WAF sees: MATCH, NO_MATCH or CONTINUE (the seen part). */
function sizeConstraint(body: Json, request: WafRequest, limit: number): boolean {
  const field = body.FieldToMatch as { Body?: { OversizeHandling?: string } };
  if (!field.Body) throw new Error(`size constraint on ${JSON.stringify(field)} is not modelled`);
  let size = request.bodyBytes;
  if (size > limit) {
    const handling = field.Body.OversizeHandling ?? 'CONTINUE';
    if (handling === 'MATCH') return true;
    if (handling === 'NO_MATCH') return false;
    size = limit;
  }
  const bound = body.Size as number;
  const compare: Record<string, (a: number, b: number) => boolean> = {
    GT: (a, b) => a > b,
    GE: (a, b) => a >= b,
    LT: (a, b) => a < b,
    LE: (a, b) => a <= b,
    EQ: (a, b) => a === b,
    NE: (a, b) => a !== b,
  };
  const op = compare[body.ComparisonOperator as string];
  if (!op) throw new Error(`comparison ${String(body.ComparisonOperator)} is not modelled`);
  return op(size, bound);
}
