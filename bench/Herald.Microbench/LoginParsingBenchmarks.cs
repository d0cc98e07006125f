using BenchmarkDotNet.Attributes;
using Herald.Protocol;

namespace Herald.Microbench;

/// <summary>Parsing the seed's login frame straight from the received bytes.</summary>
[MemoryDiagnoser]
public class LoginParsingBenchmarks
{
    private readonly byte[] _login = """{"uid":"user-123456"}"""u8.ToArray();
    private readonly byte[] _junk = """{"type":"ping","payload":[1,2,3,{"a":"b"}]}"""u8.ToArray();

    [Benchmark(Baseline = true)]
    public string? ValidLogin()
    {
        LoginMessage.Parse(_login, 128, out var uid, out _, out _);
        return uid;
    }

    [Benchmark]
    public int NotALogin() => (int)LoginMessage.Parse(_junk, 128, out _, out _, out _);
}
