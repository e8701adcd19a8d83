// Swagger UI from the project's own node_modules; its start-up lives here (CSP: no inline JS).
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
