// sessionsentry/danfo: conversion between Frames and danfo DataFrames (filled by the danfo work).
export {};
