using System.Text;
using System.Text.Json;
using Herald.Api;

namespace Herald.Tests.Api;

/// <summary>Unit tests of <see cref="PublishRequestParser"/>: what it reads from the bytes, and where it leaves the reader.</summary>
public sealed class PublishRequestParserTests
{
    [Fact]
    public void ReadMessage_AllFields_ReadsEachAsWritten()
    {
        var json = """{"users":["a","b","a"],"topics":["t"],"broadcast":true,"data":{ "x" : [1, 2] },"key":"k","idempotencyKey":"i"}"""u8;

        var draft = Read(json, out var error, out var consumed);

        Assert.Null(error);
        Assert.NotNull(draft);
        Assert.Equal(["a", "b", "a"], draft.Users);
        Assert.Equal(["t"], draft.Topics);
        Assert.True(draft.Broadcast);
        Assert.True(draft.Content!.IsJson);
        Assert.Equal("""{ "x" : [1, 2] }""", Encoding.UTF8.GetString(draft.Content.Utf8.Span));
        Assert.Equal("k", draft.Key);
        Assert.Equal("i", draft.IdempotencyKey);
        Assert.Equal(json.Length, consumed);
    }

    [Theory]
    [InlineData("\"plain\"", "plain")]
    [InlineData("\"esc\\u00e9\\n\\\"\"", "escé\n\"")]
    [InlineData("\"\"", "")]
    [InlineData("\"\\ud83d\\ude00\"", "😀")]
    public void ReadMessage_StringData_IsTextOfTheUnescapedString(string data, string text)
    {
        var draft = Read(Encoding.UTF8.GetBytes($$"""{"data":{{data}}}"""), out var error, out _);

        Assert.Null(error);
        Assert.False(draft!.Content!.IsJson);
        Assert.Equal(text, Encoding.UTF8.GetString(draft.Content.Utf8.Span));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-12.5e-3")]
    [InlineData("true")]
    [InlineData("[]")]
    [InlineData("""[{"a":null}]""")]
    public void ReadMessage_NonStringData_IsItsJsonTextAsSent(string data)
    {
        var draft = Read(Encoding.UTF8.GetBytes($$"""{"data":{{data}},"users":["u"]}"""), out var error, out _);

        Assert.Null(error);
        Assert.True(draft!.Content!.IsJson);
        Assert.Equal(data, Encoding.UTF8.GetString(draft.Content.Utf8.Span));
        Assert.Equal(["u"], draft.Users);
    }

    [Fact]
    public void ReadMessage_NullData_LeavesContentNull()
    {
        var draft = Read("""{"data":null}"""u8, out var error, out _);

        Assert.Null(error);
        Assert.Null(draft!.Content);
    }

    [Fact]
    public void ReadMessage_SeveralWrongFields_ReportsTheFirstAndReadsToTheObjectsEnd()
    {
        var json = """{"users":[1,{"a":[2]}],"broadcast":{"b":1},"zzz":[[1]],"data":"x"}"""u8;

        var draft = Read(json, out var error, out var consumed);

        Assert.Null(draft);
        Assert.Equal("users[0] must be a string", error);
        Assert.Equal(json.Length, consumed);
    }

    [Fact]
    public void ReadMessage_InvalidMessageInsideAnArray_LeavesTheReaderReadyForTheNext()
    {
        var json = """[{"user":["u"],"data":{"deep":[1,2,3]}},{"users":["v"],"data":"ok"}]"""u8;
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Read();

        var first = PublishRequestParser.ReadMessage(ref reader, json, out var firstError);
        reader.Read();
        var second = PublishRequestParser.ReadMessage(ref reader, json, out var secondError);

        Assert.Null(first);
        Assert.StartsWith("unknown property 'user'", firstError, StringComparison.Ordinal);
        Assert.Null(secondError);
        Assert.Equal(["v"], second!.Users);
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
    }

    [Fact]
    public void ReadMessage_NotAnObject_IsRefusedAndSkipped()
    {
        var json = """[[1,[2]],{"users":["u"],"data":"x"}]"""u8;
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Read();

        var draft = PublishRequestParser.ReadMessage(ref reader, json, out var error);
        reader.Read();

        Assert.Null(draft);
        Assert.Equal("a publish must be a JSON object", error);
        Assert.Equal(JsonTokenType.StartObject, reader.TokenType);
    }

    [Theory]
    [InlineData("""{"messages":[{}]}""", null)]
    [InlineData("""{"messages":[]}""", null)]
    [InlineData("""[]""", "the body must be a JSON object: {\"messages\": [...]}")]
    [InlineData("""{}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"other":[]}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"messages":"x"}""", "messages must be an array of publish objects")]
    public void ReadBatchStart_ReadsUpToTheArray(string body, string? expected)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body));

        var error = PublishRequestParser.ReadBatchStart(ref reader);

        Assert.Equal(expected, error);
        if (expected is null)
        {
            Assert.Equal(JsonTokenType.StartArray, reader.TokenType);
        }
    }

    [Fact]
    public void CheckBody_InvalidUtf8_IsRefused()
    {
        Assert.Null(PublishRequestParser.CheckBody("{\"data\":\"é😀\"}"u8));
        Assert.Equal("the body is not valid UTF-8", PublishRequestParser.CheckBody([(byte)'"', 0xC3, (byte)'"']));
        Assert.Equal("the body is not valid UTF-8", PublishRequestParser.CheckBody([(byte)'"', 0xED, 0xA0, 0x80, (byte)'"']));
    }

    private static PublishDraft? Read(ReadOnlySpan<byte> json, out string? error, out long consumed)
    {
        var reader = new Utf8JsonReader(json);
        Assert.True(reader.Read());
        var draft = PublishRequestParser.ReadMessage(ref reader, json, out error);
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        consumed = reader.BytesConsumed;
        return draft;
    }
}
