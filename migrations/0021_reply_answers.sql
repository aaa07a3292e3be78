-- What Pigeon texted back by itself to a reply (a confirmation, the help text), shown to staff
-- in the thread and the customer's history: a TwiML answer leaves no delivery of its own.
ALTER TABLE `inbound_messages` ADD `answer` text;