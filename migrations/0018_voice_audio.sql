-- The name of a call's recording, kept when the file is deleted, so the call fails saying so.
ALTER TABLE `messages` ADD `voice_audio_name` text DEFAULT '' NOT NULL;