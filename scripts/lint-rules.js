// Pigeon's own lint rules, loaded by oxlint as a JS plugin (.oxlintrc.json → jsPlugins).

// `tx as unknown as Db` compiles whatever tx is: the cast switches the type checker off exactly
// where two types disagree. Give the value a type both sides accept instead (db/client.ts: Queries).
const noDoubleCast = {
  meta: { type: "problem", docs: { description: "Disallow `x as unknown as T` and `x as any as T`" } },
  create(context) {
    return {
      TSAsExpression(node) {
        const inner = node.expression;
        if (inner.type !== "TSAsExpression") return;
        if (inner.typeAnnotation.type !== "TSUnknownKeyword" && inner.typeAnnotation.type !== "TSAnyKeyword") return;
        context.report({
          node,
          message: "A double cast (`as unknown as T`) hides a type error: give the value a type both sides accept.",
        });
      },
    };
  },
};

export default { meta: { name: "pigeon" }, rules: { "no-double-cast": noDoubleCast } };
