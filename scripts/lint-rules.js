// Pigeon's own lint rules, loaded by oxlint as a JS plugin (.oxlintrc.json → jsPlugins).

// `tx as unknown as Db` compiles whatever tx is: the cast switches the type checker off exactly
// where two types disagree. Give the value a type both sides accept instead (db/client.ts: Queries).
// Every spelling counts: `as never as T`, `<T>(<unknown>x)`, and a first cast wrapped in
// parentheses, `!` or `satisfies` before the second.
const WIDE = new Set(["TSUnknownKeyword", "TSAnyKeyword", "TSNeverKeyword"]);
const CASTS = new Set(["TSAsExpression", "TSTypeAssertion"]);
const WRAPPERS = new Set(["ParenthesizedExpression", "TSNonNullExpression", "TSSatisfiesExpression"]);

function castToAnything(node) {
  let inner = node.expression;
  while (WRAPPERS.has(inner.type)) inner = inner.expression;
  return CASTS.has(inner.type) && WIDE.has(inner.typeAnnotation.type);
}

const noDoubleCast = {
  meta: {
    type: "problem",
    docs: { description: "Disallow `x as unknown as T`, `x as any as T`, `x as never as T` and their `<T>` forms" },
  },
  create(context) {
    const check = (node) => {
      if (!castToAnything(node)) return;
      context.report({
        node,
        message: "A double cast (`as unknown as T`) hides a type error: give the value a type both sides accept.",
      });
    };
    return { TSAsExpression: check, TSTypeAssertion: check };
  },
};

export default { meta: { name: "pigeon" }, rules: { "no-double-cast": noDoubleCast } };
