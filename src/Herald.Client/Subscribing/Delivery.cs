namespace Herald.Client.Subscribing;

/// <summary>
/// One item of the subscriber's buffer: a message, or a <c>joined</c>, which travels in the same buffer so that the
/// application learns of a gap exactly between the messages before it and the messages after it.
/// </summary>
internal readonly record struct Delivery(HeraldMessage? Message, HeraldStreamJoined? Joined);
