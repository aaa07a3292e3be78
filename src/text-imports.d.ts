// Files imported `with { type: "text" }` arrive as strings.
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "*.svg" {
  const text: string;
  export default text;
}
declare module "htmx.org/dist/*.js" {
  const text: string;
  export default text;
}
declare module "*/static/app.js" {
  const text: string;
  export default text;
}
declare module "*/static/editor.js" {
  const text: string;
  export default text;
}
