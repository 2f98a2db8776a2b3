"""The chat manager: chats (`tm` threads) as conversations per buyer, reading and sending lines, choosing customers."""
