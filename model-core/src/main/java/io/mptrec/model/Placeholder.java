package io.mptrec.model;
final class Placeholder {}
