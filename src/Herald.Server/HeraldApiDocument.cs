using Herald;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

/// <summary>
/// Herald's HTTP API in the OpenAPI document at <c>/openapi/v1.json</c>, as docs/http-api.md describes it. Herald's
/// endpoints are request delegates, which carry no parameter or response metadata for the generator to read, so
/// the operations are written here; the answers' schemas come from the generator, from the types Herald
/// serializes. A test checks the document against docs/http-api.md and the running server.
/// </summary>
internal sealed class HeraldApiDocument : IOpenApiDocumentTransformer
{
    private const string Json = "application/json";
    private const string Problem = "application/problem+json";
    private const string BearerScheme = "bearer";
    private const string ApiKeyScheme = "apiKey";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Herald HTTP API",
            Version = "v1",
            Description = "Push messages to users' live connections, and ask about the hub. Errors are RFC 9457 problem details. " +
                "With no API key configured only loopback callers may call; with keys, every call needs one (docs/security.md).",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key as `Authorization: Bearer <key>`." },
            [ApiKeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key", Description = "An API key as `X-Api-Key: <key>`." },
        };

        var stats = await context.GetOrCreateSchemaAsync(typeof(HubStats), cancellationToken: cancellationToken);
        var presence = await context.GetOrCreateSchemaAsync(typeof(UserPresence), cancellationToken: cancellationToken);
        var published = await context.GetOrCreateSchemaAsync(typeof(HeraldPublishResult), cancellationToken: cancellationToken);

        var scopes = $"Scope Publish or Admin ({HeraldApiAuthorization.PublishPolicy}).";
        var admin = $"Scope Admin ({HeraldApiAuthorization.AdminPolicy}).";
        document.Paths ??= new OpenApiPaths();
        document.Paths["/send"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = Send(document, "sendGet", scopes, body: false),
                [HttpMethod.Post] = Send(document, "sendPost", scopes, body: true),
            },
        };
        document.Paths["/api/v1/publish"] = Post(document, new OpenApiOperation
        {
            OperationId = "publish",
            Summary = "Publish one message (any JSON value but null) to users, topics, everyone, or a mix.",
            Description = scopes,
            Parameters = [Header("Idempotency-Key", "Optional idempotency key (1 to 128 characters); must agree with the body's idempotencyKey when both are given.")],
            RequestBody = JsonBody(PublishSchema()),
            Responses = Answers(("200", "Published.", published), ("400", "Invalid publish request: the detail names the field.", null), ("413", "The body is over 6 x MaxMessageBytes + 64 KiB.", null), ("415", "The body is not JSON.", null), ("422", "Idempotency key reused for a different message.", null)),
        });
        document.Paths["/api/v1/publish/batch"] = Post(document, new OpenApiOperation
        {
            OperationId = "publishBatch",
            Summary = "Many independent publishes in one request, in array order, each with its own result.",
            Description = scopes,
            RequestBody = JsonBody(Object(("messages", new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, Items = PublishSchema() }, true))),
            Responses = Answers(("200", "Each item's result: status 200 with the publish answer, or 400/422 with error.", BatchResultSchema()), ("400", "Not {\"messages\":[...]} with 1 to MaxBatchMessages objects, or not valid JSON.", null), ("413", "The body is over MaxBatchBytes.", null), ("415", "The body is not JSON.", null)),
        });
        document.Paths["/api/v1/stats"] = Get(document, new OpenApiOperation
        {
            OperationId = "stats",
            Summary = "The hub's counts and running totals; on a Redis cluster the sums over the live nodes, with node and nodes.",
            Description = admin,
            Responses = Answers(("200", "The counts.", stats)),
        });
        document.Paths["/api/v1/users/{uid}"] = Get(document, new OpenApiOperation
        {
            OperationId = "userPresence",
            Summary = "Whether a user is connected, and with how many connections (on a Redis cluster: over the live nodes, with nodes). The uid is the rest of the path, '/' included.",
            Description = admin,
            Parameters = [Uid()],
            Responses = Answers(("200", "The user's presence.", presence), ("400", "An empty or too long uid.", null)),
        });
        document.Paths["/api/v1/users/{uid}/disconnect"] = Post(document, new OpenApiOperation
        {
            OperationId = "disconnectUser",
            Summary = "Close every connection of a user with close code 4004.",
            Description = admin,
            Parameters = [Uid(), Query("reason", "The Close frame's reason, at most 100 bytes of UTF-8; a JSON body's reason wins.", required: false)],
            RequestBody = new OpenApiRequestBody { Required = false, Content = new Dictionary<string, OpenApiMediaType> { [Json] = new() { Schema = Object(("reason", Text(), false)) } } },
            Responses = Answers(("200", "How many connections were closed; 0 when the user had none.", Object(("disconnected", Integer(), true))), ("400", "An invalid uid, reason or JSON body.", null), ("404", "A POST under /api/v1/users/ that does not end in /disconnect.", null)),
        });
    }

    private static OpenApiOperation Send(OpenApiDocument document, string operationId, string scopes, bool body)
    {
        var operation = new OpenApiOperation
        {
            OperationId = operationId,
            Summary = "The seed's call: push a text message to every connection of one user.",
            Description = scopes + (body ? " A field in the body wins over the same field in the query string." : " The request line is at most 8 KiB: send long messages with POST."),
            Parameters = [Query("uid", "The user: 1 to MaxUserIdLength (128) characters, case-sensitive.", required: !body), Query("message", "The text every connection of the user receives: 1 to MaxMessageBytes (65536) bytes of UTF-8.", required: !body)],
            Responses = Answers(("200", "Accepted; delivered is how many connections it was queued for (0 is not an error).", Object(("delivered", Integer(), true))), ("400", "uid or message missing, empty or too long, or an invalid body.", null), ("413", "The body is over 4 x MaxMessageBytes + 64 KiB.", null), ("414", "The request line is over 8 KiB.", null), ("415", "A POST body that is neither JSON nor a form.", null)),
        };
        if (body)
        {
            var fields = Object(("uid", Text(), false), ("message", Text(), false));
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = false,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [Json] = new() { Schema = fields },
                    ["application/x-www-form-urlencoded"] = new() { Schema = fields },
                    ["multipart/form-data"] = new() { Schema = fields },
                },
            };
        }

        return operation;
    }

    private static OpenApiSchema PublishSchema() => Object(
        ("users", new OpenApiSchema { Type = JsonSchemaType.Array, Items = Text() }, false),
        ("topics", new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9._:/-]{1,128}$" } }, false),
        ("broadcast", new OpenApiSchema { Type = JsonSchemaType.Boolean }, false),
        ("data", new OpenApiSchema { Description = "Any JSON value but null: a string goes to seed-flavour clients as its text." }, true),
        ("key", new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128, Description = "Conflation key." }, false),
        ("idempotencyKey", new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128 }, false));

    private static OpenApiSchema BatchResultSchema() => Object(("results", new OpenApiSchema
    {
        Type = JsonSchemaType.Array,
        Items = Object(
            ("status", Integer(), true),
            ("id", Text(), false),
            ("delivered", Integer(), false),
            ("duplicate", new OpenApiSchema { Type = JsonSchemaType.Boolean }, false),
            ("streams", new OpenApiSchema { Type = JsonSchemaType.Array, Items = Object(("stream", Text(), true), ("epoch", Text(), true), ("seq", Integer(), true), ("delivered", Integer(), true)) }, false),
            ("error", Text(), false)),
    }, true));

    private static OpenApiPathItem Get(OpenApiDocument document, OpenApiOperation operation) => Secured(document, HttpMethod.Get, operation);

    private static OpenApiPathItem Post(OpenApiDocument document, OpenApiOperation operation) => Secured(document, HttpMethod.Post, operation);

    private static OpenApiPathItem Secured(OpenApiDocument document, HttpMethod method, OpenApiOperation operation)
    {
        operation.Security = Security(document);
        return new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [method] = operation } };
    }

    /// <summary>Either header carries the key; none is needed from loopback while no key is configured.</summary>
    private static List<OpenApiSecurityRequirement> Security(OpenApiDocument document) =>
    [
        new() { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
        new() { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
        new(),
    ];

    /// <summary>The answers, each refusal of access (401, 403, 429) included, problems as problem+json.</summary>
    private static OpenApiResponses Answers(params (string Status, string Description, IOpenApiSchema? Schema)[] answers)
    {
        var responses = new OpenApiResponses();
        foreach (var (status, description, schema) in answers)
        {
            responses[status] = schema is null ? ProblemAnswer(description) : new OpenApiResponse { Description = description, Content = new Dictionary<string, OpenApiMediaType> { [Json] = new() { Schema = schema } } };
        }

        responses["401"] = ProblemAnswer("API key required, or not one of this server's keys.");
        responses["403"] = ProblemAnswer("The key's scope does not allow the call, or a caller that is not loopback while no key is configured.");
        responses["429"] = ProblemAnswer("Over the caller's rate limit; Retry-After says when to retry.");
        return responses;
    }

    private static OpenApiResponse ProblemAnswer(string description) =>
        new() { Description = description, Content = new Dictionary<string, OpenApiMediaType> { [Problem] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } } };

    private static OpenApiRequestBody JsonBody(IOpenApiSchema schema) =>
        new() { Required = true, Content = new Dictionary<string, OpenApiMediaType> { [Json] = new() { Schema = schema } } };

    private static OpenApiParameter Uid() =>
        new() { Name = "uid", In = ParameterLocation.Path, Required = true, Description = "The user ID, 1 to MaxUserIdLength (128) characters.", Schema = Text() };

    private static OpenApiParameter Query(string name, string description, bool required) =>
        new() { Name = name, In = ParameterLocation.Query, Required = required, Description = description, Schema = Text() };

    private static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Required = false, Description = description, Schema = Text() };

    private static OpenApiSchema Text() => new() { Type = JsonSchemaType.String, MinLength = 1 };

    private static OpenApiSchema Integer() => new() { Type = JsonSchemaType.Integer };

    private static OpenApiSchema Object(params (string Name, IOpenApiSchema Schema, bool Required)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Properties = properties.ToDictionary(static property => property.Name, static property => property.Schema),
        Required = properties.Where(static property => property.Required).Select(static property => property.Name).ToHashSet(),
    };
}
